#!/usr/bin/env bash
# One row of docs/experiments.md's lever tables: pre-finetune a student with the chosen levers, fine-tune it on
# the visible training data (FRet from the SciFact training half with the oracle judge, STSBenchmark train,
# Banking77 train, corpus pairs), and score it on the visible evaluation splits: STSBenchmark validation,
# SciFact evaluation half (alone and hybrid with BM25), Banking77 test, PIT2015 test.
# Usage: scripts/experiments/levers.sh NAME [PRE_ARGS...] [-- FT_ARGS...]
#   PRE_ARGS go to the pre-finetuning `gecko train` (extra --data sources, --init, --token-weights ...),
#   FT_ARGS to the fine-tuning one. Env: DATA (../shared/data), OUT (.scratch/levers), SEED (42), DIM (256),
#   REUSE_PRE=1 keeps an existing $OUT/NAME/pre model (reruns only fine-tuning and evaluation).
# Prints one JSON line of scores; everything else stays under $OUT/$NAME.
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA=${DATA:-../shared/data}
OUT=${OUT:-.scratch/levers}
SEED=${SEED:-42}
DIM=${DIM:-256}
NAME=$1; shift
PRE=(); FT=(); side=pre
for a in "$@"; do
  if [[ $a == -- ]]; then side=ft; continue; fi
  if [[ $side == pre ]]; then PRE+=("$a"); else FT+=("$a"); fi
done
gecko() { node --import tsx src/cli/main.ts "$@"; }
R=$OUT/$NAME
mkdir -p "$R"

# Shared inputs, made once: the SciFact query split and the FRet data mined from the training half.
if [[ ! -f $OUT/split/train-half.qrels.tsv ]]; then
  node scripts/experiments/split-scifact.mjs "$DATA/mteb/SciFact" "$OUT/split" > /dev/null
fi
if [[ ! -f $OUT/fret/fret.jsonl ]]; then
  gecko -w "$OUT/ws-fret" corpus add "$DATA/mteb/SciFact/corpus.jsonl" --quiet
  gecko -w "$OUT/ws-fret" fret mine --run scifact-train-half --queries "$OUT/split/train-half.queries.jsonl" \
    --task "Given a scientific claim, retrieve documents that support or refute the claim" \
    --judge qrels:"$OUT/split/train-half.qrels.tsv" --candidates 20 --negative nth --out "$OUT/fret" --quiet
fi

if [[ -z ${REUSE_PRE:-} || ! -d $R/pre/model ]]; then
gecko train --vocab "$DATA/vocab/bert-base-uncased-vocab.txt" --dim "$DIM" \
  --data corpus:"$DATA/mteb/SciFact/corpus.jsonl" triplets:"$DATA/pairs/agnews-title-description.jsonl" \
  --pair-format query-document --pre-finetune --matryoshka 256,128,64,32 --epochs 4 --max-length 256 \
  --seed "$SEED" --restart --quiet --out "$R/pre" "${PRE[@]}"
fi
gecko train --model "$R/pre/model" \
  --data fret:"$OUT/fret/fret.jsonl" scored-pairs:"$DATA/mteb/STSBenchmark/train.jsonl" \
  classification:"$DATA/mteb/Banking77Classification/train.jsonl" corpus:"$DATA/mteb/SciFact/corpus.jsonl"@0.25 \
  --matryoshka 256,128,64,32 --epochs 5 --seed "$SEED" --restart --quiet --out "$R/ft" "${FT[@]}"

gecko -w "$OUT/ws-eval" eval --model "$R/ft/model" --tasks STSBenchmark,Banking77Classification,PIT2015PairClassification \
  --data "$DATA/mteb" --out "$R/eval-mteb" --no-cache --json > "$R/mteb.json"
gecko -w "$OUT/ws-eval" eval --model "$R/ft/model" --tasks SciFactEvalHalf --data "$OUT/split" --out "$R/eval-half" \
  --no-cache --json > "$R/half.json"
node --import tsx scripts/experiments/hybrid-eval.ts "$R/ft/model" "$OUT/split/SciFactEvalHalf" > "$R/hybrid.json"
node scripts/experiments/summarise.mjs "$NAME" "$R"
