/**
 * Runs the loopback OpenAI-compatible server as its own process (benchmarks measure the client without
 * the server sharing its event loop). Prints the base URL on the first stdout line; stops on stdin EOF.
 *
 * @example
 * node --import tsx test/helpers/openaiServer/main.ts
 */
import { startOpenAIServer } from './index.js';

const server = await startOpenAIServer();
process.stdout.write(`${server.baseUrl}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void server.close().then(() => process.exit(0));
});
