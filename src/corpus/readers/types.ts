import type { InputError } from '../../errors/InputError.js';

/**
 * A raw record read from an input file, before validation: whatever fields the file had, plus where it came
 * from so that every error can name `file:line`.
 */
export interface RawRecord {
  /** 1-based line (JSONL, CSV/TSV: the line the record starts on) or row number (Parquet), or 1 for a text file. */
  line: number;
  /** File the record came from (for a folder of text files: the file inside the folder). */
  file: string;
  id: unknown;
  title: unknown;
  text: unknown;
  /** Set when the record could not be read at all (malformed line, bad bytes); the fields are then unset. */
  error?: InputError;
}

/** Column names to read from tabular inputs (CSV/TSV/Parquet); JSONL accepts `_id`/`id`, `title`, `text`. */
export interface ColumnNames {
  /** @default 'id' (JSONL also accepts '_id') */
  id?: string;
  /** @default 'title' */
  title?: string;
  /** @default 'text' */
  text?: string;
}

/** The input formats `gecko corpus add` understands. */
export type InputFormat = 'jsonl' | 'csv' | 'tsv' | 'parquet' | 'text-folder';
