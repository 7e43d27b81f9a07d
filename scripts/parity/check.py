#!/usr/bin/env python3
"""Python-side parity check of an exported gecko model folder.

model2vec and sentence-transformers cannot be installed on gecko's machines (no PyPI), so this script
re-implements, with numpy alone, exactly what their inference does with the folder:

* the files each loader reads (model2vec ``StaticModel.from_pretrained`` / ``from_sentence_transformers``,
  sentence-transformers ``modules.json`` -> ``StaticEmbedding`` + ``Normalize``), safetensors parsed by hand;
* Hugging Face ``tokenizers`` on the folder's tokenizer.json (added tokens, BertNormalizer,
  BertPreTokenizer, WordPiece), with the tokenizer's own truncation and padding settings;
* model2vec ``StaticModel.encode``: text cut to ``max_length * median_token_length`` code points, encoded
  without special tokens, [UNK] ids dropped, cut to ``max_length`` tokens, float32 mean, ``x / (|x| + 1e-32)``
  when the config says ``normalize``; ``dimensionality`` slices the table first;
* sentence-transformers ``encode``: prompt (from config_sentence_transformers.json) + text, encoded without
  special tokens, ``EmbeddingBag`` mean over every id (no unknown-token handling, no length limit), the
  Normalize module ``x / max(|x|, 1e-12)``, then ``truncate_dim`` and ``normalize_embeddings``.

It reads a JSON spec: {"model": folder, "cases": [{"name", "library": "model2vec" | "sentence-transformers",
"texts", "prompt_name", "max_length", "dimensionality", "truncate_dim", "normalize_embeddings",
"expected": [[...]], "expect": "equal" | "differ"}]}, computes each case's vectors and compares them with
the expected ones (written by gecko): "equal" needs every component within --tol (1e-6), "differ" needs some
row further apart than 1e-3 (the documented places where the libraries do not agree with gecko's default).

Usage: /usr/bin/python3 scripts/parity/check.py spec.json [--tol 1e-6]
Exit status: 0 every case as expected, 1 a case failed, 2 bad input (named).
"""

from __future__ import annotations

import json
import re
import struct
import sys
import unicodedata
from pathlib import Path

try:
    import numpy as np
except ImportError:  # pragma: no cover - the caller checks first
    sys.stderr.write("check.py: numpy is required (Debian: apt-get install python3-numpy)\n")
    sys.exit(2)


class SpecError(Exception):
    """Bad input: the message names the file and what was expected."""


# --------------------------------------------------------------------------------------------- safetensors

_DTYPES = {
    "F64": "<f8",
    "F32": "<f4",
    "F16": "<f2",
    "I64": "<i8",
    "I32": "<i4",
    "I16": "<i2",
    "I8": "i1",
    "U8": "u1",
}


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Tensors of a .safetensors file: 8-byte little-endian header length, JSON header, raw data."""
    data = path.read_bytes()
    if len(data) < 8:
        raise SpecError(f"{path}: too short for a safetensors file")
    (n,) = struct.unpack("<Q", data[:8])
    if 8 + n > len(data):
        raise SpecError(f"{path}: header length {n} runs past the end of the file")
    header = json.loads(data[8 : 8 + n].decode("utf-8"))
    base = 8 + n
    out: dict[str, np.ndarray] = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        raw = data[base + begin : base + end]
        dtype = info["dtype"]
        if dtype == "BF16":
            bits = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
            arr = bits.view(np.float32)
        elif dtype in _DTYPES:
            arr = np.frombuffer(raw, dtype=_DTYPES[dtype])
        else:
            raise SpecError(f"{path}: tensor {name} has dtype {dtype}, not one this check reads")
        out[name] = arr.reshape(info["shape"])
    return out


# ----------------------------------------------------------------------------------------------- tokenizer

# Unicode White_Space (what Rust's char::is_whitespace tests); Python's str.isspace also accepts U+001C-U+001F.
_WHITE_SPACE = set(
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
_CJK = (
    (0x4E00, 0x9FFF),
    (0x3400, 0x4DBF),
    (0x20000, 0x2A6DF),
    (0x2A700, 0x2B73F),
    (0x2B740, 0x2B81F),
    (0x2B820, 0x2CEAF),
    (0xF900, 0xFAFF),
    (0x2F800, 0x2FA1F),
)


def _is_cjk(c: str) -> bool:
    o = ord(c)
    return any(lo <= o <= hi for lo, hi in _CJK)


def _is_bert_punct(c: str) -> bool:
    o = ord(c)
    ascii_punct = 33 <= o <= 47 or 58 <= o <= 64 or 91 <= o <= 96 or 123 <= o <= 126
    return ascii_punct or unicodedata.category(c).startswith("P")


class HfTokenizer:
    """Hugging Face tokenizers' encode(text, add_special_tokens=False) for BERT-style WordPiece tokenizer.json."""

    def __init__(self, path: Path) -> None:
        try:
            spec = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise SpecError(f"{path}: cannot read tokenizer.json ({e})") from e
        model = spec.get("model") or {}
        norm = spec.get("normalizer")
        pre = spec.get("pre_tokenizer")
        if model.get("type") != "WordPiece":
            raise SpecError(f"{path}: model type {model.get('type')!r}; this check re-implements WordPiece only")
        if norm is not None and norm.get("type") != "BertNormalizer":
            raise SpecError(f"{path}: normalizer {norm.get('type')!r}; expected BertNormalizer or none")
        if pre is None or pre.get("type") != "BertPreTokenizer":
            raise SpecError(f"{path}: pre_tokenizer {pre and pre.get('type')!r}; expected BertPreTokenizer")
        self.path = path
        self.vocab: dict[str, int] = dict(model["vocab"])
        self.unk_token: str | None = model.get("unk_token")
        if self.unk_token is not None and self.unk_token not in self.vocab:
            raise SpecError(f"{path}: unk_token {self.unk_token!r} is not in the vocabulary")
        self.prefix: str = model.get("continuing_subword_prefix", "##")
        self.max_chars: int = model.get("max_input_chars_per_word", 100)
        self.norm = norm
        self.truncation = spec.get("truncation")
        self.padding = spec.get("padding")
        self.added: dict[str, int] = {}
        raw, normalized = [], []
        for t in spec.get("added_tokens") or []:
            if t.get("lstrip") or t.get("rstrip") or t.get("single_word"):
                raise SpecError(f"{path}: added token {t['content']!r} uses lstrip/rstrip/single_word, not re-implemented")
            self.added[t["content"]] = t["id"]
            (normalized if t.get("normalized") else raw).append(t["content"])
        self._raw = self._pattern(raw)
        self._normalized = self._pattern(normalized)
        self._cache: dict[str, list[int]] = {}

    @staticmethod
    def _pattern(tokens: list[str]) -> re.Pattern[str] | None:
        # Longest first, so the leftmost match is the longest there (aho-corasick LeftmostLongest).
        if not tokens:
            return None
        return re.compile("|".join(re.escape(t) for t in sorted(tokens, key=len, reverse=True)))

    def get_vocab(self) -> dict[str, int]:
        v = dict(self.vocab)
        v.update(self.added)
        return v

    def encode(self, text: str) -> list[int]:
        ids: list[int] = []
        for piece, added in _split(text, self._raw):
            if added:
                ids.append(self.added[piece])
                continue
            normalized = self._normalize(piece)
            for part, added2 in _split(normalized, self._normalized):
                if added2:
                    ids.append(self.added[part])
                    continue
                for word in self._pre_tokenize(part):
                    ids.extend(self._word_piece(word))
        return ids

    def _normalize(self, s: str) -> str:
        n = self.norm
        if n is None:
            return s
        if n.get("clean_text", True):
            kept = []
            for c in s:
                o = ord(c)
                if o == 0 or o == 0xFFFD:
                    continue
                if c not in "\t\n\r" and unicodedata.category(c).startswith("C"):
                    continue
                kept.append(" " if c in _WHITE_SPACE else c)
            s = "".join(kept)
        if n.get("handle_chinese_chars", True):
            s = "".join(f" {c} " if _is_cjk(c) else c for c in s)
        lowercase = n.get("lowercase", True)
        strip = n.get("strip_accents")
        if strip is None:
            strip = lowercase
        if strip:
            s = "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")
        if lowercase:
            # Character by character, as Rust's NormalizedString::lowercase (str.lower would make a final ς).
            s = "".join(c.lower() for c in s)
        return s

    @staticmethod
    def _pre_tokenize(s: str) -> list[str]:
        words: list[str] = []
        cur: list[str] = []
        for c in s:
            if c in _WHITE_SPACE:
                if cur:
                    words.append("".join(cur))
                    cur = []
            elif _is_bert_punct(c):
                if cur:
                    words.append("".join(cur))
                    cur = []
                words.append(c)
            else:
                cur.append(c)
        if cur:
            words.append("".join(cur))
        return words

    def _word_piece(self, word: str) -> list[int]:
        hit = self._cache.get(word)
        if hit is not None:
            return hit
        unk = [self.vocab[self.unk_token]] if self.unk_token is not None else []
        chars = list(word)
        if len(chars) > self.max_chars:
            return unk
        out: list[int] = []
        start = 0
        while start < len(chars):
            end = len(chars)
            found = None
            while start < end:
                sub = "".join(chars[start:end])
                if start > 0:
                    sub = self.prefix + sub
                if sub in self.vocab:
                    found = self.vocab[sub]
                    break
                end -= 1
            if found is None:
                out = unk
                break
            out.append(found)
            start = end
        self._cache[word] = out
        return out


def _split(text: str, pattern: re.Pattern[str] | None) -> list[tuple[str, bool]]:
    if pattern is None:
        return [(text, False)] if text else []
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in pattern.finditer(text):
        if m.start() > pos:
            out.append((text[pos : m.start()], False))
        out.append((m.group(0), True))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], False))
    return out


# ------------------------------------------------------------------------------------------------ model2vec


class Model2Vec:
    """model2vec.StaticModel as from_pretrained (model2vec layout) or from_sentence_transformers loads it."""

    def __init__(self, folder: Path, dimensionality: int | None) -> None:
        cfg_path = folder / "config.json"
        m2v = cfg_path.exists() and json.loads(cfg_path.read_text()).get("model_type") == "model2vec"
        if m2v:
            weights, tok, config = folder / "model.safetensors", folder / "tokenizer.json", cfg_path
            key = "embeddings"
        else:
            weights = folder / "0_StaticEmbedding" / "model.safetensors"
            tok = folder / "0_StaticEmbedding" / "tokenizer.json"
            config = folder / "config_sentence_transformers.json"
            key = "embedding.weight"
        for p in (weights, tok, config):
            if not p.exists():
                raise SpecError(f"{p}: missing (model2vec's loader needs it)")
        tensors = read_safetensors(weights)
        if key not in tensors:
            raise SpecError(f"{weights}: no {key!r} tensor (model2vec reads that name)")
        if "weights" in tensors or "mapping" in tensors:
            raise SpecError(f"{weights}: per-token weights/mapping tensors are not re-implemented here")
        self.tokenizer = HfTokenizer(tok)
        emb = tensors[key]
        vocab = self.tokenizer.get_vocab()
        if len(vocab) != emb.shape[0]:
            raise SpecError(f"{weights}: {emb.shape[0]} rows but {len(vocab)} tokens (StaticModel raises ValueError)")
        if dimensionality is not None:
            emb = emb[:, :dimensionality]
        self.embedding = emb
        tokens = [t for t, _ in sorted(vocab.items(), key=lambda x: x[1])]
        self.median_token_length = int(np.median([len(t) for t in tokens]))
        self.unk_token_id = vocab[self.tokenizer.unk_token] if self.tokenizer.unk_token is not None else None
        self.normalize = bool(json.loads(config.read_text()).get("normalize", False))

    def tokenize(self, sentences: list[str], max_length: int | None) -> list[list[int]]:
        if max_length is not None:
            m = max_length * self.median_token_length
            sentences = [s[:m] for s in sentences]
        ids = [self.tokenizer.encode(s) for s in sentences]
        ids = [_apply_truncation(x, self.tokenizer.truncation) for x in ids]
        if self.unk_token_id is not None:
            ids = [[i for i in x if i != self.unk_token_id] for x in ids]
        if max_length is not None:
            ids = [x[:max_length] for x in ids]
        return ids

    def encode(self, sentences: list[str], max_length: int | None = 512) -> np.ndarray:
        out = []
        for x in self.tokenize(sentences, max_length):
            out.append(self.embedding[x].mean(0) if x else np.zeros(self.embedding.shape[1]))
        arr = np.stack(out)
        if self.normalize:
            arr = arr / (np.linalg.norm(arr, axis=1, keepdims=True) + 1e-32)
        return arr


# ------------------------------------------------------------------------------------ sentence-transformers


class SentenceTransformer:
    """SentenceTransformer(folder) over modules.json: StaticEmbedding, then optionally Normalize."""

    def __init__(self, folder: Path, truncate_dim: int | None) -> None:
        modules_path = folder / "modules.json"
        if not modules_path.exists():
            raise SpecError(f"{modules_path}: missing (sentence-transformers needs it)")
        modules = json.loads(modules_path.read_text())
        if not modules or modules[0].get("type") != "sentence_transformers.models.StaticEmbedding":
            raise SpecError(f"{modules_path}: the first module is not StaticEmbedding")
        self.normalize = False
        for m in modules[1:]:
            if m.get("type") == "sentence_transformers.models.Normalize":
                self.normalize = True
            else:
                raise SpecError(f"{modules_path}: module {m.get('type')!r} is not re-implemented here")
        sub = folder / modules[0]["path"]
        tensors = read_safetensors(sub / "model.safetensors")
        emb = tensors.get("embedding.weight")
        if emb is None:
            emb = tensors.get("embeddings")  # StaticEmbedding.load's fallback for model2vec files
        if emb is None:
            raise SpecError(f"{sub / 'model.safetensors'}: neither 'embedding.weight' nor 'embeddings'")
        self.embedding = emb.astype(np.float32)
        self.tokenizer = HfTokenizer(sub / "tokenizer.json")
        # v5 wraps the tokenizer in PreTrainedTokenizerFast and passes its pad id as EmbeddingBag's padding_idx.
        pad = (self.tokenizer.padding or {}).get("pad_token")
        self.pad_id = self.tokenizer.get_vocab().get(pad) if pad else None
        cfg_path = folder / "config_sentence_transformers.json"
        cfg = json.loads(cfg_path.read_text()) if cfg_path.exists() else {}
        self.prompts: dict[str, str] = cfg.get("prompts") or {}
        self.default_prompt_name = cfg.get("default_prompt_name")
        self.truncate_dim = truncate_dim

    def encode(
        self, sentences: list[str], prompt_name: str | None = None, normalize_embeddings: bool = False
    ) -> np.ndarray:
        name = prompt_name if prompt_name is not None else self.default_prompt_name
        if name is not None and name not in self.prompts:
            raise SpecError(f"prompt_name {name!r} is not in config_sentence_transformers.json {list(self.prompts)}")
        prompt = self.prompts[name] if name is not None else ""
        rows = []
        for s in sentences:
            ids = _apply_truncation(self.tokenizer.encode(prompt + s), self.tokenizer.truncation)
            if self.pad_id is not None:
                ids = [i for i in ids if i != self.pad_id]
            rows.append(self.embedding[ids].mean(0) if ids else np.zeros(self.embedding.shape[1], np.float32))
        arr = np.stack(rows).astype(np.float32)
        if self.normalize:
            arr = arr / np.maximum(np.linalg.norm(arr, axis=1, keepdims=True), 1e-12)
        if self.truncate_dim is not None:
            arr = arr[:, : self.truncate_dim]
        if normalize_embeddings:
            arr = arr / np.maximum(np.linalg.norm(arr, axis=1, keepdims=True), 1e-12)
        return arr


def _apply_truncation(ids: list[int], truncation: dict | None) -> list[int]:
    """tokenizer.json's own truncation, which tokenizers applies inside encode (no special tokens here)."""
    if not truncation:
        return ids
    n = truncation["max_length"]
    return ids[-n:] if truncation.get("direction") == "Left" else ids[:n]


# ------------------------------------------------------------------------------------------------- the check


def run_case(folder: Path, case: dict, tol: float) -> tuple[bool, str]:
    texts = case["texts"]
    expected = np.asarray(case["expected"], dtype=np.float64)
    prompt_name = case.get("prompt_name")
    if case["library"] == "model2vec":
        model = Model2Vec(folder, case.get("dimensionality"))
        prompts = json.loads((folder / "config_sentence_transformers.json").read_text()).get("prompts", {})
        # model2vec has no prompts: the model card tells users to put the prompt in the text.
        prefix = prompts[prompt_name] if prompt_name else ""
        got = model.encode([prefix + t for t in texts], max_length=case.get("max_length", 512))
    elif case["library"] == "sentence-transformers":
        model = SentenceTransformer(folder, case.get("truncate_dim"))
        got = model.encode(texts, prompt_name=prompt_name, normalize_embeddings=bool(case.get("normalize_embeddings")))
    else:
        raise SpecError(f"case {case.get('name')!r}: library must be model2vec or sentence-transformers")
    if got.shape != expected.shape:
        return False, f"shape {got.shape} != expected {expected.shape}"
    diff = np.abs(got.astype(np.float64) - expected)
    worst = float(diff.max()) if diff.size else 0.0
    row_worst = diff.max(axis=1) if diff.size else np.zeros(0)
    if case.get("expect", "equal") == "equal":
        return worst <= tol, f"max |diff| {worst:.2e} (tolerance {tol:.0e})"
    return bool((row_worst > 1e-3).any()), f"max |diff| {worst:.2e} (expected to differ by > 1e-3)"


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    tol = 1e-6
    if "--tol" in argv:
        tol = float(argv[argv.index("--tol") + 1])
        args = [a for a in args if a != argv[argv.index("--tol") + 1]]
    if len(args) != 1:
        sys.stderr.write("usage: check.py spec.json [--tol 1e-6]\n")
        return 2
    spec_path = Path(args[0])
    try:
        spec = json.loads(spec_path.read_text(encoding="utf-8"))
        folder = Path(spec["model"])
        failed = 0
        for case in spec["cases"]:
            ok, detail = run_case(folder, case, tol)
            failed += 0 if ok else 1
            print(f"{'ok  ' if ok else 'FAIL'} {case['library']:<21} {case.get('name', '')}: {len(case['texts'])} texts, {detail}")
        print(f"{len(spec['cases']) - failed} of {len(spec['cases'])} cases as expected")
        return 1 if failed else 0
    except SpecError as e:
        sys.stderr.write(f"check.py: {e}\n")
        return 2
    except (OSError, ValueError, KeyError) as e:
        sys.stderr.write(f"check.py: {spec_path}: {type(e).__name__}: {e}\n")
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
