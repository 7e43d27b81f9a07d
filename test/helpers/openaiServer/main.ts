/**
 * Runs the loopback OpenAI-compatible server as its own process (benchmarks measure the client without
 * the server sharing its event loop). Prints the base URL on the first stdout line; stops on stdin EOF.
 *
 * @example
 * node --import tsx test/helpers/openaiServer/main.ts [--embedding-dim N]
 */
import { startOpenAIServer } from './index.js';

const i = process.argv.indexOf('--embedding-dim');
const embeddingDim = i >= 0 ? Number(process.argv[i + 1]) : undefined;
const server = await startOpenAIServer(embeddingDim ? { features: { embeddingDim } } : {});
process.stdout.write(`${server.baseUrl}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void server.close().then(() => process.exit(0));
});
