import { join } from 'node:path';

/** Output layout of a distillation folder. */
export function outputPaths(out: string) {
  return {
    data: join(out, 'data'),
    fret: join(out, 'fret'),
    /** The FRet dataset the mine stage writes (with `dataset.json` beside it). */
    fretJsonl: join(out, 'fret', 'fret.jsonl'),
    pretrain: join(out, 'pretrain'),
    train: join(out, 'train'),
    model: join(out, 'model'),
    eval: join(out, 'eval'),
    config: join(out, 'gecko.config.json'),
    reportMd: join(out, 'report.md'),
    reportHtml: join(out, 'report.html'),
  };
}

export type OutputPaths = ReturnType<typeof outputPaths>;
