import { readFileSync } from 'node:fs';
import { InputError } from '../errors/InputError.js';
import { UsageError } from '../errors/UsageError.js';

/**
 * A task family: the kind of retrieval task the LLM is asked to invent for a seed passage. `hint` goes into
 * the prompt next to the name. Gecko names four families (§4.3) and lets the LLM write free-form tasks; the
 * family is drawn uniformly per seed, which helped in the paper (Table 4, 60.70 → 60.87).
 */
export interface TaskFamily {
  name: string;
  hint: string;
}

export const DEFAULT_TASK_FAMILIES: readonly TaskFamily[] = Object.freeze([
  { name: 'question answering', hint: 'a question that the passage answers' },
  { name: 'search result', hint: 'a short web-search query for which the passage would be a good result' },
  { name: 'fact checking', hint: 'a claim that the passage supports or refutes' },
  {
    name: 'sentence similarity',
    hint: 'a sentence that says the same as a sentence of the passage, in other words',
  },
  { name: 'free-form', hint: 'invent any other retrieval task that suits the passage' },
]);

/**
 * Resolves `--families`: unset for the defaults, a comma-separated subset of the default names, or a JSON
 * file holding `[{name, hint}, ...]`.
 *
 * @throws UsageError for an unknown family name; InputError for a malformed families file.
 * @example resolveTaskFamilies('question answering,fact checking')
 */
export function resolveTaskFamilies(spec?: string | readonly TaskFamily[]): TaskFamily[] {
  if (spec === undefined) return [...DEFAULT_TASK_FAMILIES];
  if (typeof spec !== 'string') return validate(spec, '<options>');
  if (spec.trim().endsWith('.json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(spec, 'utf8'));
    } catch (e) {
      throw new InputError({ file: spec }, `cannot read task families: ${(e as Error).message}`, {
        cause: e,
      });
    }
    return validate(parsed, spec);
  }
  const names = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return names.map((n) => {
    const f = DEFAULT_TASK_FAMILIES.find((d) => d.name === n);
    if (!f) {
      throw new UsageError(
        `unknown task family "${n}"; known: ${DEFAULT_TASK_FAMILIES.map((d) => d.name).join(', ')} (or pass a JSON file of [{name, hint}])`,
      );
    }
    return f;
  });
}

function validate(value: unknown, file: string): TaskFamily[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new InputError({ file }, 'expected a non-empty JSON array of {"name", "hint"} objects');
  }
  const seen = new Set<string>();
  return value.map((v, i) => {
    const f = v as Partial<TaskFamily>;
    if (typeof f?.name !== 'string' || f.name.trim() === '' || typeof f.hint !== 'string') {
      throw new InputError({ file, field: `[${i}]` }, 'expected {"name": non-empty string, "hint": string}');
    }
    if (seen.has(f.name))
      throw new InputError({ file, field: `[${i}].name` }, `duplicate family "${f.name}"`);
    seen.add(f.name);
    return { name: f.name.trim(), hint: f.hint.trim() };
  });
}
