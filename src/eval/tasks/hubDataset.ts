import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { type HubFailure, hubClient } from '../../model/formats/hub.js';
import { atomicWriteFile } from '../../util/atomicWrite.js';
import { type Reporter, silentReporter } from '../../util/Reporter.js';
import { EvaluationError } from '../EvaluationError.js';

/** Options of {@link downloadHubDataset}. */
export interface HubDatasetOptions {
  /** Cache root. @default $GECKO_CACHE/datasets or ~/.cache/gecko/datasets */
  cacheDir?: string;
  /** Hub address. @default $HF_ENDPOINT or https://huggingface.co */
  endpoint?: string;
  /** @default $HF_TOKEN */
  token?: string;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  reporter?: Reporter;
}

const COMPLETE = '.gecko-complete';
/** The files of a dataset repository that the local task layout reads. */
const WANTED =
  /^(corpus|queries|[\w.-]+)\.jsonl(\.gz)?$|^qrels\/[\w.-]+\.tsv$|^top_ranked\/[\w.-]+\.jsonl(\.gz)?$/;

/** Where a dataset revision is cached. */
export function hubDatasetFolder(repo: string, revision: string, options: HubDatasetOptions = {}): string {
  const root =
    options.cacheDir ??
    (process.env.GECKO_CACHE
      ? join(process.env.GECKO_CACHE, 'datasets')
      : join(homedir(), '.cache', 'gecko', 'datasets'));
  return join(root, `datasets--${repo.replace('/', '--')}`, revision);
}

/**
 * Downloads an mteb dataset revision from the Hugging Face Hub into the cache, once: it lists the
 * repository tree (`/api/datasets/{repo}/tree/{revision}`) and fetches the JSONL / TSV files of the local
 * task layout (`<split>.jsonl[.gz]`, `corpus`, `queries`, `qrels/<split>.tsv`, `top_ranked/`). A later call
 * finds the completed cache and makes no request.
 *
 * @throws EvaluationError when the hub cannot be reached (offline: the message says how to provide the data),
 *   refuses access, or the revision holds no file in a readable layout (e.g. Parquet only).
 * @example const dir = await downloadHubDataset('mteb/scifact', 'main');
 */
export async function downloadHubDataset(
  repo: string,
  revision: string,
  options: HubDatasetOptions = {},
): Promise<string> {
  const folder = hubDatasetFolder(repo, revision, options);
  if (existsSync(join(folder, COMPLETE))) return folder;
  const hub = hubClient(options);
  const endpoint = hub.endpoint;
  const reporter = options.reporter ?? silentReporter;
  const get = async (url: string, what: string): Promise<Response> => {
    const fail = (f: HubFailure): EvaluationError => {
      if (f.kind === 'offline')
        return new EvaluationError(
          repo,
          `cannot download ${what} from ${endpoint} (${f.reason}); the machine looks offline. ` +
            'Put the task in a local folder (task.json + split files, see docs/evaluation.md) and pass --data, or set HF_ENDPOINT to a reachable mirror.',
          { code: 'OFFLINE', cause: f.cause },
        );
      if (f.kind === 'denied')
        return new EvaluationError(repo, `access denied (${f.status}) for ${what}; set HF_TOKEN`, {
          code: 'HUB_ACCESS',
        });
      return new EvaluationError(repo, `HTTP ${f.status} for ${url}`, { code: 'HUB_HTTP' });
    };
    const res = await hub.get(url, fail);
    if (!res) throw fail({ kind: 'status', status: 404 });
    return res;
  };
  const treeUrl = `${endpoint}/api/datasets/${repo}/tree/${encodeURIComponent(revision)}?recursive=true`;
  const tree = (await (await get(treeUrl, 'the file list')).json()) as { type?: string; path?: string }[];
  const files = (Array.isArray(tree) ? tree : [])
    .filter((e) => e.type === 'file' && typeof e.path === 'string' && WANTED.test(e.path))
    .map((e) => e.path as string);
  if (files.length === 0)
    throw new EvaluationError(
      repo,
      `revision ${revision} has no JSONL/TSV files in the mteb layout (Parquet-only revisions are not supported)`,
      { code: 'HUB_LAYOUT' },
    );
  const progress = reporter.progress(`download ${repo}@${revision}`, { total: files.length, unit: 'files' });
  for (const f of files) {
    const res = await get(`${endpoint}/datasets/${repo}/resolve/${encodeURIComponent(revision)}/${f}`, f);
    await atomicWriteFile(join(folder, f), new Uint8Array(await res.arrayBuffer()));
    progress.tick();
  }
  await atomicWriteFile(join(folder, COMPLETE), `${new Date().toISOString()}\n`);
  progress.done(`downloaded ${repo}@${revision} (${files.length} files) to ${folder}`);
  return folder;
}
