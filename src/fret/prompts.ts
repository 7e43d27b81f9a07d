import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors/InputError.js';
import { sha256 } from '../util/hash.js';

/** The three FRet prompts (and the graded fallback), each a versioned file in `prompts/fret/`. */
export type PromptRole = 'generate' | 'query-likelihood' | 'relevance' | 'relevance-graded';

/** The versioned file each role uses by default. */
export const DEFAULT_PROMPT_FILES: Readonly<Record<PromptRole, string>> = {
  generate: 'generate.v1.md',
  'query-likelihood': 'query-likelihood.v1.md',
  relevance: 'relevance.v1.md',
  'relevance-graded': 'relevance-graded.v1.md',
};

/** Placeholders each role's template must contain: a prompt without them would silently ignore the input. */
const REQUIRED: Readonly<Record<PromptRole, readonly string[]>> = {
  generate: ['passage', 'family'],
  'query-likelihood': ['passage'],
  relevance: ['query', 'passage'],
  'relevance-graded': ['query', 'passage'],
};

/** A loaded prompt: its text, where it came from and its content hash (recorded in every manifest). */
export interface PromptTemplate {
  role: PromptRole;
  /** File name for the bundled prompts, the given path for overrides. */
  source: string;
  sha256: string;
  text: string;
}

/** The bundled `prompts/fret` folder, found by walking up from this module (works from `src/` and `dist/`). */
export function bundledPromptDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'prompts', 'fret');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new InputError(
    { file: 'prompts/fret' },
    'the bundled FRet prompts folder is missing from the installation',
  );
}

/**
 * Loads the prompt of `role`: the bundled versioned file, or `file` when given (`--prompt FILE`).
 * @throws InputError when the file cannot be read or lacks a required `{{placeholder}}`.
 */
export function loadPrompt(role: PromptRole, file?: string): PromptTemplate {
  const path = file ? resolve(file) : join(bundledPromptDir(), DEFAULT_PROMPT_FILES[role]);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError({ file: path }, `cannot read the ${role} prompt: ${(e as Error).message}`, {
      cause: e,
    });
  }
  for (const name of REQUIRED[role]) {
    if (!text.includes(`{{${name}}}`)) {
      throw new InputError({ file: path }, `the ${role} prompt must contain the placeholder {{${name}}}`);
    }
  }
  return { role, source: file ? path : DEFAULT_PROMPT_FILES[role], sha256: sha256(text), text };
}

/**
 * Fills `{{name}}` placeholders. Unknown placeholders are an error rather than left in place: a typo in a
 * custom prompt would otherwise send literal braces to the LLM for every example.
 *
 * @throws InputError naming the prompt file and the placeholder with no value.
 */
export function renderPrompt(template: PromptTemplate, values: Readonly<Record<string, string>>): string {
  // Split once per template into literal text and placeholder names: step 2 renders 2N prompts per example,
  // and a regex pass over the few-shot template each time was a visible share of the per-example overhead.
  let parts = compiled.get(template);
  if (!parts) {
    parts = template.text.split(/\{\{([a-z_]+)\}\}/);
    compiled.set(template, parts);
  }
  let out = parts[0] as string;
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i] as string;
    const v = values[name];
    if (v === undefined) {
      throw new InputError(
        { file: template.source },
        `unknown placeholder {{${name}}} (known: ${Object.keys(values).join(', ')})`,
      );
    }
    out += v + (parts[i + 1] as string);
  }
  return out;
}

const compiled = new WeakMap<PromptTemplate, string[]>();

/** Cuts a passage to at most `maxChars` at a word boundary, so prompts fit the model's context. */
export function clipPassage(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const cut = text.slice(0, maxChars);
  const space = cut.lastIndexOf(' ');
  return `${space > maxChars * 0.8 ? cut.slice(0, space) : cut}…`;
}
