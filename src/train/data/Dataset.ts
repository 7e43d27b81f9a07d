import type { Source } from './types.js';

/**
 * Training examples with their texts interned: each distinct text is stored (and later tokenised) once,
 * and examples refer to texts by index, which is also what the batch sampler compares for duplicates.
 */
export interface Dataset {
  texts: string[];
  anchor: Int32Array;
  positive: Int32Array;
  /** -1 where an example has no hard negative. */
  negative: Int32Array;
  task: Int32Array;
  source: Int32Array;
  taskNames: string[];
  sources: { name: string; kind: string; weight: number; count: number }[];
}

/**
 * Interns the texts of all sources into one dataset.
 * @example
 * const ds = buildDataset([readSource({ path: 'fret.jsonl' }, 42)]);
 */
export function buildDataset(sources: readonly Source[]): Dataset {
  const texts: string[] = [];
  const intern = interner(texts);
  const taskNames: string[] = [];
  const taskId = interner(taskNames);
  // Examples whose anchor equals their positive teach nothing and could never join a duplicate-free batch.
  const kept = sources.map((s) => s.examples.filter((e) => e.anchor !== e.positive));
  const n = kept.reduce((a, k) => a + k.length, 0);
  const ds: Dataset = {
    texts,
    anchor: new Int32Array(n),
    positive: new Int32Array(n),
    negative: new Int32Array(n),
    task: new Int32Array(n),
    source: new Int32Array(n),
    taskNames,
    sources: sources.map((s, i) => ({
      name: s.name,
      kind: s.kind,
      weight: s.weight,
      count: kept[i]!.length,
    })),
  };
  let i = 0;
  kept.forEach((examples, si) => {
    for (const e of examples) {
      ds.anchor[i] = intern(e.anchor);
      ds.positive[i] = intern(e.positive);
      const dup = e.negative === null || e.negative === e.anchor || e.negative === e.positive;
      ds.negative[i] = dup ? -1 : intern(e.negative!);
      ds.task[i] = taskId(e.task);
      ds.source[i] = si;
      i++;
    }
  });
  return ds;
}

/** A function giving each distinct string its index in `list`, appending strings it has not seen. */
function interner(list: string[]): (s: string) => number {
  const idOf = new Map<string, number>();
  return (s) => {
    let id = idOf.get(s);
    if (id === undefined) {
      id = list.length;
      list.push(s);
      idOf.set(s, id);
    }
    return id;
  };
}
