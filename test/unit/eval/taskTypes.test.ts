import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EvaluationError } from '../../../src/eval/EvaluationError.js';
import { Bm25Retriever } from '../../../src/eval/embedders/Bm25Retriever.js';
import { HashedBowEmbedder } from '../../../src/eval/embedders/HashedBowEmbedder.js';
import { supportsTask } from '../../../src/eval/evaluateTask.js';
import { GECKO_TASK_PROMPTS } from '../../../src/eval/prompts.js';
import { loadLocalTask } from '../../../src/eval/tasks/loadLocalTask.js';
import { TaskMetadataSchema } from '../../../src/eval/tasks/schema.js';
import {
  TASK_TYPE_MODULES,
  TASK_TYPES,
  type TaskType,
  taskTypeModule,
} from '../../../src/eval/taskTypes/registry.js';
import { tempDir } from '../../helpers/tmp.js';

const meta = (type: TaskType) => ({ name: 'X', type, main_score: 'm', eval_splits: ['test'] });

describe('task type registry', () => {
  it('lists each type once, in the order help texts show them, and finds each module by its name', () => {
    expect(TASK_TYPES).toEqual([
      'Retrieval',
      'Reranking',
      'STS',
      'Classification',
      'Clustering',
      'PairClassification',
      'Summarization',
    ]);
    expect(new Set(TASK_TYPE_MODULES.map((m) => m.type)).size).toBe(TASK_TYPE_MODULES.length);
    for (const t of TASK_TYPES) expect(taskTypeModule(t).type).toBe(t);
  });
  it('the metadata schema accepts exactly the registered types', () => {
    for (const t of TASK_TYPES) expect(TaskMetadataSchema.safeParse(meta(t)).success, t).toBe(true);
    expect(TaskMetadataSchema.safeParse({ ...meta('STS'), type: 'Regression' }).success).toBe(false);
  });
  it("Gecko's Table 9 prompts come from the modules", () => {
    expect(GECKO_TASK_PROMPTS).toEqual({
      Classification: 'classification',
      STS: 'semantic similarity',
      PairClassification: 'semantic similarity',
      Clustering: 'search result',
      Summarization: 'search result',
      Retrieval: 'search result',
      Reranking: 'search result',
    });
  });
  it('only Retrieval takes a lexical retriever; only Classification has a train split', () => {
    const bm25 = { lexical: new Bm25Retriever() };
    const dense = { embedder: new HashedBowEmbedder({ dimensions: 8 }) };
    for (const t of TASK_TYPES) {
      const m = TaskMetadataSchema.parse(meta(t));
      expect(supportsTask(bm25, m), t).toBe(t === 'Retrieval');
      expect(supportsTask(dense, m), t).toBe(true);
      expect(taskTypeModule(t).trainSplit?.(m), t).toBe(t === 'Classification' ? 'train' : undefined);
    }
    const withSplit = TaskMetadataSchema.parse({ ...meta('Classification'), train_split: 'dev' });
    expect(taskTypeModule('Classification').trainSplit?.(withSplit)).toBe('dev');
  });
  it('loadLocalTask reads a split through the module of the task type', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'task.json'), JSON.stringify(meta('STS')));
    writeFileSync(join(dir, 'test.jsonl'), '{"sentence1":"a","sentence2":"b","score":"2.5"}\n');
    expect(await loadLocalTask(dir).load('test')).toEqual({
      type: 'STS',
      sentence1: ['a'],
      sentence2: ['b'],
      score: [2.5],
    });
    await expect(loadLocalTask(dir).load('dev')).rejects.toThrow(EvaluationError);
    await expect(loadLocalTask(dir).load('dev')).rejects.toThrow(/missing dev\.jsonl/);
  });
});
