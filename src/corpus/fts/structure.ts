import { readVarint, readVarints, writeVarint } from './varint.js';

/**
 * FTS5's "structure" record (`%_data` row 10), which lists the index's segments by level. Decoded here so
 * that segments built elsewhere can be grafted into an index (see `mergeShard.ts`). The layout, from SQLite's
 * `fts5StructureDecode`: a 4-byte config cookie; then varints nLevel, nSegment, nWriteCounter; then per level
 * nMerge, nSeg and per segment (segid, first leaf page, last leaf page). Tables with `contentless_delete=1`
 * use a "V2" record with five more fields per segment; gecko's tables never do, so V2 is refused.
 */
export interface FtsSegment {
  id: number;
  firstPage: number;
  lastPage: number;
}

export interface FtsLevel {
  /** Segments at the start of the level that an incremental merge is consuming (0: none in progress). */
  merging: number;
  segments: FtsSegment[];
}

export interface FtsStructure {
  cookie: Uint8Array;
  writeCounter: number;
  levels: FtsLevel[];
}

/** FTS5_STRUCTURE_ROWID and FTS5_AVERAGES_ROWID. */
export const STRUCTURE_ROWID = 10;
export const AVERAGES_ROWID = 1;
/** FTS5_MAX_SEGMENT: segment ids run from 1 to this. */
export const MAX_SEGMENT_ID = 2000;
/** Segment ids sit above bit 37 of `%_data` row ids (FTS5_DATA_PAGE_B + HEIGHT_B + DLI_B = 31 + 5 + 1). */
export const SEGMENT_ID_SHIFT = 37;

/** @throws Error for a V2 (contentless_delete) or malformed record. */
export function decodeStructure(buf: Uint8Array): FtsStructure {
  if (buf.length < 4) throw new Error('FTS5 structure record is too short');
  if (buf[4] === 0xff && buf[5] === 0 && buf[6] === 0 && buf[7] === 1)
    throw new Error('FTS5 structure record is V2 (contentless_delete), which gecko does not merge');
  const cursor = { pos: 4 };
  const nLevel = readVarint(buf, cursor);
  const nSegment = readVarint(buf, cursor);
  const writeCounter = readVarint(buf, cursor);
  const levels: FtsLevel[] = [];
  for (let l = 0; l < nLevel; l++) {
    const merging = readVarint(buf, cursor);
    const n = readVarint(buf, cursor);
    const segments: FtsSegment[] = [];
    for (let s = 0; s < n; s++) {
      segments.push({
        id: readVarint(buf, cursor),
        firstPage: readVarint(buf, cursor),
        lastPage: readVarint(buf, cursor),
      });
    }
    levels.push({ merging, segments });
  }
  if (cursor.pos !== buf.length) throw new Error('FTS5 structure record has trailing bytes');
  if (levels.reduce((n, l) => n + l.segments.length, 0) !== nSegment)
    throw new Error('FTS5 structure record: segment count does not match its levels');
  return { cookie: Uint8Array.from(buf.subarray(0, 4)), writeCounter, levels };
}

export function encodeStructure(s: FtsStructure): Buffer {
  const out: number[] = [...s.cookie];
  writeVarint(out, s.levels.length);
  writeVarint(
    out,
    s.levels.reduce((n, l) => n + l.segments.length, 0),
  );
  writeVarint(out, s.writeCounter);
  for (const l of s.levels) {
    writeVarint(out, l.merging);
    writeVarint(out, l.segments.length);
    for (const g of l.segments) {
      writeVarint(out, g.id);
      writeVarint(out, g.firstPage);
      writeVarint(out, g.lastPage);
    }
  }
  return Buffer.from(out);
}

/** The averages record: row count, then total tokens per column (empty for a new table). */
export function decodeAverages(buf: Uint8Array, columns: number): number[] {
  const v = readVarints(buf);
  return Array.from({ length: columns + 1 }, (_, i) => v[i] ?? 0);
}

export function encodeAverages(values: readonly number[]): Buffer {
  const out: number[] = [];
  for (const v of values) writeVarint(out, v);
  return Buffer.from(out);
}
