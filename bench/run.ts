/**
 * Benchmark harness: `npm run bench -- <name> [args]` runs `bench/<name>.bench.ts`; with no name it lists
 * them. Each benchmark module exports `run(args: string[]): Promise<void>` and prints tables (bench/table.ts)
 * that put each measurement next to a baseline measured in the same run: the machine is noisy, so ratios
 * count, absolute times don't.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .sort();

const [name, ...args] = process.argv.slice(2);
if (!name || name === '--help') {
  console.log(`usage: npm run bench -- <name> [args]\n\navailable: ${available.join(', ')}`);
  process.exit(name ? 0 : 2);
}
if (!available.includes(name)) {
  console.error(`unknown benchmark "${name}"; available: ${available.join(', ')}`);
  process.exit(2);
}
const mod = (await import(pathToFileURL(`${dir}/${name}.bench.ts`).href)) as {
  run(args: string[]): Promise<void>;
};
await mod.run(args);
