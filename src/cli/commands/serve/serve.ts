import type { Command } from 'commander';
import { UsageError } from '../../../errors/UsageError.js';
import { CorpusSearcher } from '../../../index/CorpusSearcher.js';
import { loadStaticModel } from '../../../model/formats/loadStaticModel.js';
import { type ListenOptions, startServer } from '../../../serve/createServer.js';
import {
  DEFAULT_SERVE,
  type LongInputPolicy,
  parseCorsOrigins,
  type ServeOptions,
} from '../../../serve/options.js';
import { contextFrom, MAX_TIMER_MS, parsePort, parsePositiveInt } from '../../context.js';
import { addHelpEpilogue, type HelpEpilogue } from '../../helpText.js';
import { openSearchSources } from './openSearch.js';

/** What `gecko serve --help` prints after the options. */
const SERVE_HELP: HelpEpilogue = {
  notes: [
    'The server stops gracefully on SIGINT/SIGTERM: new requests get 503, requests in progress finish.',
  ],
  examples: [
    'gecko serve --model out/model --port 8080',
    'GECKO_API_KEY=secret gecko serve --model out/model --api-key-env GECKO_API_KEY',
    'gecko --work ./gecko-work serve --model out/model   # also /v1/search over the corpus',
    'gecko serve --model out/model --cors http://localhost:5173   # a page on that origin may call it',
    `curl localhost:8080/v1/embeddings -d '{"model":"gecko","input":"how do geckos climb"}'`,
  ],
};

interface ServeArgs {
  model: string;
  host: string;
  port: string;
  modelName: string;
  maxInputs: string;
  maxInputTokens?: string;
  longInputs: string;
  maxBodyBytes: string;
  timeoutMs: string;
  headersTimeoutMs: string;
  bodyTimeoutMs: string;
  maxConcurrent: string;
  apiKeyEnv?: string;
  cors?: string;
  index?: string;
  search: boolean;
}

export function registerServeCommand(program: Command): void {
  const cmd = program
    .command('serve')
    .description(
      'serve a model over an OpenAI-compatible HTTP API (/v1/embeddings, /v1/models, /v1/search, /health, /metrics)',
    );
  addHelpEpilogue(addServeOptions(cmd), SERVE_HELP).action(runServe);
}

/** Declares the options of `gecko serve`. */
function addServeOptions(cmd: Command): Command {
  return cmd
    .requiredOption('-m, --model <dirOrRepo>', 'model folder or Hugging Face repo id')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('-p, --port <port>', 'port (0 picks a free one)', '8080')
    .option('--model-name <name>', 'the name clients pass as "model"', DEFAULT_SERVE.modelName)
    .option('--max-inputs <n>', 'most inputs per request', String(DEFAULT_SERVE.maxInputs))
    .option('--max-input-tokens <n>', "most tokens per input (default: the model's maxLength)")
    .option(
      '--long-inputs <policy>',
      'truncate or reject inputs over the token limit',
      DEFAULT_SERVE.longInputs,
    )
    .option('--max-body-bytes <n>', 'largest request body', String(DEFAULT_SERVE.maxBodyBytes))
    .option(
      '--timeout-ms <ms>',
      'time for a request to arrive and be answered',
      String(DEFAULT_SERVE.requestTimeoutMs),
    )
    .option(
      '--headers-timeout-ms <ms>',
      'time for the request headers to arrive (slow clients are cut off)',
      String(DEFAULT_SERVE.headersTimeoutMs),
    )
    .option(
      '--body-timeout-ms <ms>',
      'time for the request body to arrive once the headers have (it holds no concurrency slot meanwhile)',
      String(DEFAULT_SERVE.bodyTimeoutMs),
    )
    .option(
      '--max-concurrent <n>',
      'requests in progress at once (more get 429)',
      String(DEFAULT_SERVE.maxConcurrent),
    )
    .option(
      '--api-key-env <VAR>',
      'require "Authorization: Bearer $VAR" on /v1/* (the key is read from this variable)',
    )
    .option(
      '--cors <origins>',
      'let browser pages from these origins call the server: * or ORIGIN[,ORIGIN] (e.g. http://localhost:5173)',
    )
    .option('--index <dir>', 'vector index folder for dense search (default: <work>/vector-index if present)')
    .option('--no-search', "don't open the workspace's corpus for /v1/search");
}

/** The server's settings as `startServer` takes them (with the ones the CLI prints made required). */
type CliServeOptions = ServeOptions &
  ListenOptions & { modelName: string; apiKey: string | null; cors: '*' | string[] | null };

/**
 * Checks and parses the options into the server's settings (before the model loads).
 * @throws UsageError naming the option at fault.
 */
function serveOptionsFrom(args: ServeArgs): CliServeOptions {
  const apiKey = resolveApiKey(args.apiKeyEnv);
  if (args.longInputs !== 'truncate' && args.longInputs !== 'reject') {
    throw new UsageError(`--long-inputs must be "truncate" or "reject", got "${args.longInputs}".`);
  }
  return {
    host: args.host,
    port: parsePort('--port', args.port),
    modelName: args.modelName,
    maxInputs: parsePositiveInt('--max-inputs', args.maxInputs),
    ...(args.maxInputTokens
      ? { maxInputTokens: parsePositiveInt('--max-input-tokens', args.maxInputTokens) }
      : {}),
    longInputs: args.longInputs as LongInputPolicy,
    maxBodyBytes: parsePositiveInt('--max-body-bytes', args.maxBodyBytes),
    requestTimeoutMs: parsePositiveInt('--timeout-ms', args.timeoutMs, MAX_TIMER_MS),
    headersTimeoutMs: parsePositiveInt('--headers-timeout-ms', args.headersTimeoutMs, MAX_TIMER_MS),
    bodyTimeoutMs: parsePositiveInt('--body-timeout-ms', args.bodyTimeoutMs, MAX_TIMER_MS),
    maxConcurrent: parsePositiveInt('--max-concurrent', args.maxConcurrent),
    apiKey,
    cors: args.cors === undefined ? null : parseCorsOrigins(args.cors),
  };
}

async function runServe(args: ServeArgs, cmd: Command): Promise<void> {
  const ctx = contextFrom(cmd);
  const options = serveOptionsFrom(args);
  const model = await loadStaticModel(args.model, { reporter: ctx.reporter });
  const sources = args.search ? await openSearchSources(ctx.work, args.index, model, ctx.reporter) : null;
  const searcher = sources ? new CorpusSearcher(model, sources) : null;
  const server = await startServer(
    {
      model,
      searcher,
      onUnexpectedError: (e) => ctx.reporter.warn(`request failed: ${(e as Error)?.stack ?? e}`),
    },
    options,
  );
  ctx.print(
    {
      url: server.url,
      model: options.modelName,
      dimensions: model.dimensions,
      search: searcher?.modes ?? [],
    },
    () =>
      `serving ${args.model} as "${options.modelName}" (${model.dimensions} dims) on ${server.url}` +
      `${searcher ? `; search: ${searcher.modes.join(', ')}` : ''}${options.apiKey ? '; bearer key required' : ''}` +
      `${options.cors ? `; CORS: ${options.cors === '*' ? 'any origin' : options.cors.join(', ')}` : ''}`,
  );
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  ctx.reporter.info(`${signal}: finishing ${server.state.inFlight} request(s) in progress, then stopping`);
  await server.close();
  sources?.corpus.close();
  ctx.reporter.info(`stopped after ${server.state.served} request(s)`);
}

function resolveApiKey(variable: string | undefined): string | null {
  if (variable === undefined) return null;
  const key = process.env[variable];
  if (!key)
    throw new UsageError(
      `--api-key-env ${variable}: the environment variable ${variable} is not set or empty.`,
    );
  return key;
}
