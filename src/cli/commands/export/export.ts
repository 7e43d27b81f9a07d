import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../../errors/UsageError.js';
import { findCardScores, readCardScores } from '../../../eval/cardScores.js';
import { loadStaticModel } from '../../../model/formats/loadStaticModel.js';
import { saveModelAtomically } from '../../../model/formats/saveModelAtomically.js';
import { contextFrom, parsePositiveInt } from '../../context.js';
import { addHelpEpilogue, type HelpEpilogue } from '../../helpText.js';

/** What `gecko export --help` prints after the options. */
const EXPORT_HELP: HelpEpilogue = {
  examples: [
    'gecko export gecko-model/model --out acme-gecko --name acme/gecko-small --license apache-2.0',
    'gecko export gecko-model/model --out st-model --format sentence-transformers',
  ],
};

/** The layouts `gecko export --format` writes (docs/model-format.md). */
export const EXPORT_FORMATS = ['model2vec', 'sentence-transformers'] as const;

interface ExportArgs {
  out: string;
  format: string;
  name?: string;
  license?: string;
  baseModel?: string;
  scores?: string;
  maxLength?: string;
  force: boolean;
}

/** `gecko export`: writes a model folder in a layout Python's model2vec and sentence-transformers load. */
export function registerExportCommand(program: Command): void {
  const cmd = program
    .command('export')
    .description(
      'write a model as a folder that model2vec and sentence-transformers load, with a model card (README.md)',
    )
    .argument('<model>', 'model folder (any layout gecko reads) or Hugging Face repository id')
    .requiredOption('-o, --out <dir>', 'folder to write (must not exist, or be empty, unless --force)')
    .option('--format <format>', `layout: ${EXPORT_FORMATS.join(' | ')}`, 'model2vec')
    .option(
      '--name <name>',
      "the model's name in the card and its usage snippets, e.g. owner/name (default: the --out folder's name)",
    )
    .option('--license <id>', 'license id in the card front matter, e.g. apache-2.0 (default: unknown)')
    .option(
      '--base-model <id>',
      'Hugging Face id of the model this one derives from (card front matter base_model)',
    )
    .option(
      '--scores <path>',
      "scores for the card: gecko distill's eval/scores.json or a gecko eval results folder (default: <model>/../eval/scores.json when present)",
    )
    .option('--max-length <n>', "tokens kept per text (default: the model's own)")
    .option('--force', 'replace --out if it exists', false);
  addHelpEpilogue(cmd, EXPORT_HELP).action(runExport);
}

async function runExport(model: string, args: ExportArgs, cmd: Command): Promise<void> {
  const ctx = contextFrom(cmd);
  if (!(EXPORT_FORMATS as readonly string[]).includes(args.format)) {
    throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}, got "${args.format}"`);
  }
  const format = args.format as (typeof EXPORT_FORMATS)[number];
  const maxLength = args.maxLength ? parsePositiveInt('--max-length', args.maxLength) : undefined;
  const out = resolve(args.out);
  checkExportTarget(model, out, args);
  const scoresPath = args.scores ?? (existsSync(model) ? findCardScores(model) : null);
  const scores = scoresPath ? readCardScores(scoresPath) : [];
  const m = await loadStaticModel(model, {
    reporter: ctx.reporter,
    ...(maxLength ? { maxLength } : {}),
  });
  if (m.termFrequency !== 'linear') {
    ctx.reporter.warn(
      `this model pools with termFrequency '${m.termFrequency}': model2vec and sentence-transformers load it but take the plain mean of every token occurrence, so their vectors differ from gecko's on texts that repeat a token (docs/model-format.md, "Term-frequency pooling")`,
    );
  }
  const name = args.name ?? basename(out);
  await saveModelAtomically(m, out, {
    format,
    modelName: name,
    ...(args.license ? { license: args.license } : {}),
    ...(args.baseModel ? { baseModel: args.baseModel } : {}),
    scores,
  });
  ctx.print(
    {
      out,
      format,
      name,
      dimensions: m.dimensions,
      vocabSize: m.tokenizer.vocabSize,
      maxLength: m.maxLength,
      scores: scoresPath,
    },
    () =>
      `wrote ${out} (${format}, ${m.tokenizer.vocabSize} x ${m.dimensions}, name ${name}${scoresPath ? `, ${scores.length} scores from ${scoresPath}` : ''})`,
  );
}

/**
 * `--out` (resolved as `out`) may be replaced: it is not the model folder, and it is missing, an empty
 * folder, or any folder with `--force`.
 * @throws UsageError saying why not.
 */
function checkExportTarget(model: string, out: string, args: Pick<ExportArgs, 'out' | 'force'>): void {
  if (existsSync(model) && resolve(model) === out) {
    throw new UsageError('--out is the model folder itself; export into another folder');
  }
  if (existsSync(out)) {
    if (!statSync(out).isDirectory()) throw new UsageError(`--out ${args.out} is a file`);
    if (readdirSync(out).length > 0 && !args.force) {
      throw new UsageError(`--out ${args.out} is not empty; pass --force to replace it`);
    }
  }
}
