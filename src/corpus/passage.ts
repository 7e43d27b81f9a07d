import { InputError } from '../errors/InputError.js';
import type { RawRecord } from './readers/types.js';

/** A passage as stored in the corpus. */
export interface Passage {
  id: string;
  title: string | null;
  text: string;
  /** The document this passage was cut from (equal to `id` when the document was not chunked). */
  docId: string;
  /** Position of the passage within its document, from 0. */
  chunk: number;
}

/** A passage to add from code: `id` and `text` are required. */
export interface PassageInput {
  id: string | number;
  title?: string | null;
  text: string;
}

/**
 * Checks one raw record and returns a clean `{id, title, text}`.
 * @throws InputError naming the file, line and field when the id is missing, or the text missing or empty.
 */
export function validateRecord(r: RawRecord): { id: string; title: string | null; text: string } {
  if (r.error) throw r.error;
  const where = { file: r.file, line: r.line };
  let id: string;
  if (typeof r.id === 'string') id = r.id.trim();
  else if (typeof r.id === 'number' || typeof r.id === 'bigint') id = String(r.id);
  else if (r.id === undefined || r.id === null)
    throw new InputError({ ...where, field: '_id' }, 'missing id (expected "_id" or "id")');
  else throw new InputError({ ...where, field: '_id' }, `id must be a string or number, got ${typeof r.id}`);
  if (id === '') throw new InputError({ ...where, field: '_id' }, 'empty id');
  if (r.text === undefined || r.text === null)
    throw new InputError({ ...where, field: 'text' }, 'missing text field');
  if (typeof r.text !== 'string')
    throw new InputError({ ...where, field: 'text' }, `text must be a string, got ${typeof r.text}`);
  const text = r.text.trim();
  if (text === '') throw new InputError({ ...where, field: 'text' }, 'empty text');
  let title: string | null = null;
  if (typeof r.title === 'string') title = r.title.trim() || null;
  else if (r.title !== undefined && r.title !== null) {
    throw new InputError({ ...where, field: 'title' }, `title must be a string, got ${typeof r.title}`);
  }
  return { id, title, text };
}
