/**
 * Builds the browser ES module (`src/browser/index.ts` and everything it imports) with esbuild, for the
 * `browser` platform: a Node.js import anywhere on the inference path fails the build. Run from Node (a
 * build step, not part of the bundle): `npm run build` runs the compiled `dist/browser/bundle.js`, which
 * bundles the compiled `index.js` next to it; from source (`tsx src/browser/bundle.ts [outFile]`, the tests)
 * it bundles `index.ts`.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface BundleOptions {
  /** @default true */
  minify?: boolean;
}

const ENTRY = import.meta.url.endsWith('.ts') ? './index.ts' : './index.js';

/** Writes the bundle to `outFile`; returns its size in bytes. */
export async function bundleBrowser(outFile: string, options: BundleOptions = {}): Promise<number> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [fileURLToPath(new URL(ENTRY, import.meta.url))],
    outfile: outFile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: options.minify ?? true,
    sourcemap: true,
    metafile: true,
    logLevel: 'silent',
  });
  return Object.entries(result.metafile.outputs)
    .filter(([file]) => file.endsWith('.js'))
    .reduce((s, [, o]) => s + o.bytes, 0);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const out = process.argv[2] ?? 'dist/browser/gecko.js';
  const bytes = await bundleBrowser(out);
  process.stdout.write(`${out}: ${(bytes / 1024).toFixed(0)} KiB\n`);
}
