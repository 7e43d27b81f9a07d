#!/usr/bin/env bash
# Reproduces every row of docs/experiments.md on ../shared/data (SciFact, STSBenchmark, Banking77).
# Usage: scripts/experiments/scifact.sh [DATA=../shared/data] [OUT=.scratch/exp]
# Prints each measured row; all intermediate files stay under OUT.
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA=${DATA:-../shared/data}
OUT=${OUT:-.scratch/exp}
SEED=${SEED:-42}
gecko() { node --import tsx src/cli/main.ts "$@"; }
mkdir -p "$OUT"

# Queries with judgements, split by a hash of the query id into a training half and an evaluation half.
node scripts/experiments/split-scifact.mjs "$DATA/mteb/SciFact" "$OUT/split"

# (a) BM25, on all train queries and on the evaluation half.
gecko -w "$OUT/ws-eval" eval --model bm25 --tasks SciFact --data "$DATA/mteb" --out "$OUT/eval/bm25-all" --json > "$OUT/a-all.json"
gecko -w "$OUT/ws-eval" eval --model bm25 --tasks SciFactEvalHalf --data "$OUT/split" --out "$OUT/eval/bm25-half" --json > "$OUT/a-half.json"

# (b) the student pre-finetuned on the corpus alone: title -> abstract pairs, in-batch negatives only,
#     BERT-uncased WordPiece vocabulary, d = 256 with Matryoshka sizes.
gecko train --vocab "$DATA/vocab/bert-base-uncased-vocab.txt" --dim 256 \
  --data corpus:"$DATA/mteb/SciFact/corpus.jsonl" --self-supervised title-body --pre-finetune \
  --matryoshka 256,128,64,32 --epochs 10 -b 256 --lr 0.05 --seed "$SEED" --restart --out "$OUT/pre" --quiet
gecko -w "$OUT/ws-eval" eval --model "$OUT/pre/model" --tasks SciFact --data "$DATA/mteb" --out "$OUT/eval/pre-all" --json > "$OUT/b-all.json"
gecko -w "$OUT/ws-eval" eval --model "$OUT/pre/model" --tasks SciFactEvalHalf --data "$OUT/split" --out "$OUT/eval/pre-half" --json > "$OUT/b-half.json"

# (c) (b) fine-tuned on FRet data mined from the training half with the oracle judge (qrels): BM25 top 20
#     candidates plus the seed (the query's first relevant passage), positive = judged relevant, hard
#     negative = the 20th ranked.
gecko -w "$OUT/ws-fret" corpus add "$DATA/mteb/SciFact/corpus.jsonl" --quiet
gecko -w "$OUT/ws-fret" fret mine --run scifact-train-half --queries "$OUT/split/train-half.queries.jsonl" \
  --task "Given a scientific claim, retrieve documents that support or refute the claim" \
  --judge qrels:"$OUT/split/train-half.qrels.tsv" --candidates 20 --negative nth --out "$OUT/fret" --quiet
gecko train --model "$OUT/pre/model" --data fret:"$OUT/fret/fret.jsonl" corpus:"$DATA/mteb/SciFact/corpus.jsonl"@0.25 \
  --matryoshka 256,128,64,32 --epochs 10 -b 128 --lr 0.01 --seed "$SEED" --restart --out "$OUT/ft" --quiet
gecko -w "$OUT/ws-eval" eval --model "$OUT/ft/model" --tasks SciFactEvalHalf,SciFactTrainHalf --data "$OUT/split" --out "$OUT/eval/ft-half" --json > "$OUT/c-half.json"

# (d) hybrid: RRF (k = 60) of BM25 and each student, on the evaluation half.
node --import tsx scripts/experiments/hybrid-eval.ts "$OUT/pre/model" "$OUT/split/SciFactEvalHalf" > "$OUT/d-pre.json"
node --import tsx scripts/experiments/hybrid-eval.ts "$OUT/ft/model" "$OUT/split/SciFactEvalHalf" > "$OUT/d-ft.json"

# The same students on STSBenchmark (validation) and Banking77 (test), at every Matryoshka size.
for m in pre ft; do
  gecko -w "$OUT/ws-eval" eval --model "$OUT/$m/model" --tasks STSBenchmark,Banking77Classification \
    --data "$DATA/mteb" --dims 256,128,64,32 --out "$OUT/eval/$m-other" --json > "$OUT/other-$m.json"
done
gecko -w "$OUT/ws-eval" eval --model "$OUT/ft/model" --tasks SciFactEvalHalf --data "$OUT/split" --dims 256,128,64,32 \
  --out "$OUT/eval/ft-dims" --json > "$OUT/c-dims.json"

# Summary: one line per measured row.
node -e '
const fs = require("fs"); const o = process.argv[1];
const rows = (f) => JSON.parse(fs.readFileSync(`${o}/${f}`, "utf8")).results;
for (const f of ["a-all.json","a-half.json","b-all.json","b-half.json","c-half.json","other-pre.json","other-ft.json","c-dims.json"])
  for (const r of rows(f)) console.log(f.padEnd(16), r.task.padEnd(26), String(r.dimensions ?? "full").padEnd(5), r.main_score, (r.score * 100).toFixed(2));
for (const f of ["d-pre.json","d-ft.json"]) console.log(f.padEnd(16), fs.readFileSync(`${o}/${f}`, "utf8").trim());
' "$OUT"
