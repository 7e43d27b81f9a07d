import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread on a module of this package, given as the URL of its compiled `.js` file. Built
 * (`dist/`), that file exists. Run from source (tsx, vitest) only the `.ts` file does, and Node cannot load
 * it by itself, so the worker is started with tsx's loader, which is a dev dependency and so present then.
 */
export function startWorker(moduleUrl: URL, options: WorkerOptions = {}): Worker {
  if (existsSync(fileURLToPath(moduleUrl))) return new Worker(moduleUrl, options);
  const source = moduleUrl.href.replace(/\.js$/, '.ts');
  // `--import tsx` in a worker's execArgv is not applied on Node 20, so a bootstrap registers tsx's hooks
  // and then imports the module.
  const cjsApi = createRequire(import.meta.url).resolve('tsx/esm/api'); // the package's require entry
  const api = pathToFileURL(cjsApi.replace(/\.cjs$/, '.mjs')).href;
  const bootstrap = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
