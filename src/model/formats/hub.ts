import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { atomicWriteFile } from '../../util/atomicWrite.js';
import { type Reporter, silentReporter } from '../../util/Reporter.js';
import { ModelError } from '../ModelError.js';
import { GECKO_CONFIG, LAYOUTS } from './layouts.js';

export interface HubOptions {
  /** Cache folder for downloaded models. @default $GECKO_CACHE or ~/.cache/gecko/hub */
  cacheDir?: string;
  /** Branch, tag or commit. @default 'main' */
  revision?: string;
  /** Hub address. @default $HF_ENDPOINT or https://huggingface.co */
  endpoint?: string;
  /** Access token for private repositories. @default $HF_TOKEN */
  token?: string;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  reporter?: Reporter;
}

const REPO_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

/** True when `s` looks like a Hugging Face repository id (`owner/name`). */
export function isRepoId(s: string): boolean {
  return REPO_ID.test(s) && !s.includes('..');
}

/** Where a repository's files are cached (one folder per repo and revision). */
export function hubCacheFolder(repo: string, options: HubOptions = {}): string {
  const root = options.cacheDir ?? process.env.GECKO_CACHE ?? join(homedir(), '.cache', 'gecko', 'hub');
  return join(root, `models--${repo.replace('/', '--')}`, options.revision ?? 'main');
}

const COMPLETE = '.gecko-complete';

/** Why a hub request failed: the network (the machine looks offline), access (401/403) or another status. */
export type HubFailure =
  | { kind: 'offline'; reason: string; cause: unknown }
  | { kind: 'denied'; status: number }
  | { kind: 'status'; status: number };

/** A hub address with its access token and fetch, as {@link hubClient} resolves them. */
export interface HubClient {
  /** The hub address, without a trailing slash. */
  readonly endpoint: string;
  /** GETs `url` with the token: the response when OK, null on 404, else throws the error `fail` builds. */
  get(url: string, fail: (failure: HubFailure) => Error): Promise<Response | null>;
}

/**
 * Resolves the hub address ($HF_ENDPOINT or https://huggingface.co), token ($HF_TOKEN) and fetch that model
 * and dataset downloads share; each caller words its own errors.
 */
export function hubClient(options: { endpoint?: string; token?: string; fetch?: typeof fetch }): HubClient {
  const endpoint = (options.endpoint ?? process.env.HF_ENDPOINT ?? 'https://huggingface.co').replace(
    /\/$/,
    '',
  );
  const token = options.token ?? process.env.HF_TOKEN;
  const doFetch = options.fetch ?? globalThis.fetch;
  return {
    endpoint,
    async get(url, fail) {
      let res: Response;
      try {
        res = await doFetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      } catch (e) {
        const cause = (e as { cause?: { code?: string; message?: string } }).cause;
        throw fail({
          kind: 'offline',
          reason: cause?.code ?? cause?.message ?? (e as Error).message,
          cause: e,
        });
      }
      if (res.status === 404) return null;
      if (res.status === 401 || res.status === 403) throw fail({ kind: 'denied', status: res.status });
      if (!res.ok) throw fail({ kind: 'status', status: res.status });
      return res;
    },
  };
}

/**
 * Downloads a static model from the Hugging Face Hub once and returns its local folder: the first layout
 * of {@link LAYOUTS} whose config file the repository has, its weights and tokenizer, and the optional side
 * files. A later call finds the completed cache and makes no request.
 *
 * @throws {ModelError} when the hub cannot be reached (offline), refuses access, or holds no static model.
 * @example
 * const dir = await downloadFromHub('minishlab/potion-base-8M');
 */
export async function downloadFromHub(repo: string, options: HubOptions = {}): Promise<string> {
  const folder = hubCacheFolder(repo, options);
  if (existsSync(join(folder, COMPLETE))) return folder;
  const hub = hubClient(options);
  const endpoint = hub.endpoint;
  const revision = options.revision ?? 'main';
  const reporter = options.reporter ?? silentReporter;

  const get = async (file: string): Promise<Uint8Array | null> => {
    const url = `${endpoint}/${repo}/resolve/${encodeURIComponent(revision)}/${file}`;
    const res = await hub.get(url, (f) => {
      if (f.kind === 'offline')
        return new ModelError(
          repo,
          `cannot download ${file} from ${endpoint} (${f.reason}); ` +
            'the machine looks offline. Download the model folder elsewhere and pass its path, or set HF_ENDPOINT to a reachable mirror.',
          { cause: f.cause },
        );
      if (f.kind === 'denied')
        return new ModelError(
          repo,
          `access denied (${f.status}) for ${file}; set HF_TOKEN for private or gated repositories`,
        );
      return new ModelError(repo, `HTTP ${f.status} for ${url}`);
    });
    return res && new Uint8Array(await res.arrayBuffer());
  };

  for (const layout of LAYOUTS) {
    const config = await get(layout.config);
    if (!config) continue;
    const progress = reporter.progress(`download ${repo}`, { unit: 'files' });
    await atomicWriteFile(join(folder, layout.config), config);
    for (const file of [layout.weights, layout.tokenizer]) {
      const bytes = await get(file);
      if (!bytes) throw new ModelError(repo, `has ${layout.config} but no ${file} (layout ${layout.name})`);
      await atomicWriteFile(join(folder, file), bytes);
      progress.tick();
    }
    for (const file of ['modules.json', 'config_sentence_transformers.json', 'config.json', GECKO_CONFIG]) {
      if (file === layout.config) continue;
      const bytes = await get(file);
      if (bytes) await atomicWriteFile(join(folder, file), bytes);
    }
    await atomicWriteFile(join(folder, COMPLETE), `${new Date().toISOString()}\n`);
    progress.done(`downloaded ${repo} (${layout.name} layout) to ${folder}`);
    return folder;
  }
  throw new ModelError(
    repo,
    `no static model found on ${endpoint} (looked for ${LAYOUTS.map((l) => l.config).join(', ')})`,
  );
}
