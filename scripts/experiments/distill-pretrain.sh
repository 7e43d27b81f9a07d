#!/usr/bin/env bash
# Measures `gecko distill`'s own pre-finetuning (its pairs stage + WordNet share) on the visible splits: runs
# distill on the SciFact corpus plus AG News (as titled passages) with a tiny generated GGUF as the LLM (the
# FRet stages need one; the pre-finetuning stage does not depend on their output), then hands the pre-finetuned
# model to levers.sh (REUSE_PRE=1), which fine-tunes it on the visible training data and scores it like every
# lever row. Usage: scripts/experiments/distill-pretrain.sh NAME [DISTILL_ARGS...] (e.g. --set pretrain.wordnet=2)
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA=${DATA:-../shared/data}
OUT=${OUT:-.scratch/levers}
NAME=$1; shift
R=$OUT/$NAME
mkdir -p "$R" "$OUT/distill-inputs"
I=$OUT/distill-inputs
if [[ ! -f $I/tiny.gguf ]]; then
  node --import tsx -e "import { writeTinyLlamaGguf } from './test/helpers/gguf/tinyLlama.ts'; writeTinyLlamaGguf('$I/tiny.gguf', { contextLength: 16384 });"
fi
if [[ ! -f $I/agnews.jsonl ]]; then
  node -e "const fs=require('fs');const out=fs.readFileSync('$DATA/pairs/agnews-title-description.jsonl','utf8').trim().split('\n').map((l,i)=>{const r=JSON.parse(l);return JSON.stringify({id:'ag'+i,title:r.anchor,text:r.positive})});fs.writeFileSync('$I/agnews.jsonl',out.join('\n')+'\n')"
fi
node --import tsx src/cli/main.ts distill --corpus "$DATA/mteb/SciFact/corpus.jsonl" "$I/agnews.jsonl" \
  --llm "llama:$I/tiny.gguf" --limit 16 --vocab "$DATA/vocab/bert-base-uncased-vocab.txt" --dim "${DIM:-256}" \
  --init random --out "$R/distill" --set pretrain.epochs=4 "$@" > "$R/distill.log" 2>&1
mkdir -p "$R/pre"
rm -rf "$R/pre/model"
cp -r "$(find "$R/distill" -path '*pretrain/model' -type d | head -1)" "$R/pre/model"
REUSE_PRE=1 scripts/experiments/levers.sh "$NAME"
