import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openCorpus } from '../../src/corpus/index.js';
import { runGecko, TSX_LOADER } from '../helpers/cli.js';
import { ROOT } from '../helpers/paths.js';
import { writeSyntheticJsonl } from '../helpers/syntheticCorpus.js';
import { tempDir } from '../helpers/tmp.js';

describe('gecko CLI: corpus', () => {
  it('prints help with examples and exits 0', async () => {
    const root = await runGecko(['--help']);
    expect(root.code).toBe(0);
    expect(root.stdout).toContain('Exit codes: 0 success, 1 runtime failure, 2 usage error');
    const add = await runGecko(['corpus', 'add', '--help']);
    expect(add.code).toBe(0);
    expect(add.stdout).toMatch(/Examples:[\s\S]*gecko corpus add/);
  });

  it('exits 2 on usage errors and 1 on runtime failures, with one clear line', async () => {
    expect((await runGecko(['corpus', 'search'])).code).toBe(2);
    expect((await runGecko(['corpus', 'nope'])).code).toBe(2);
    const d = tempDir();
    const k = await runGecko(['-w', d, 'corpus', 'search', 'x', '-k', 'zero']);
    expect(k.code).toBe(2);
    expect(k.stderr).toContain('-k must be a positive integer');
    const missing = await runGecko(['-w', d, 'corpus', 'add', join(d, 'missing.jsonl')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('No such file or folder');
    const bad = join(d, 'bad.jsonl');
    writeFileSync(bad, '{"_id": "1", "text": "ok"}\n{"_id": "2", "text": \n');
    const r = await runGecko(['-w', join(d, 'ws'), 'corpus', 'add', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad}:2: malformed JSON`);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('adds, searches and reports stats, as text and as --json', async () => {
    const d = tempDir();
    const f = join(d, 'c.jsonl');
    writeFileSync(
      f,
      [
        { _id: 'a', title: 'Gecko toes', text: 'Gecko toes carry millions of setae.' },
        { _id: 'b', title: 'Coffee', text: 'Coffee beans are roasted seeds.' },
      ]
        .map((x) => JSON.stringify(x))
        .join('\n'),
    );
    const ws = join(d, 'ws');
    const add = await runGecko(['-w', ws, '--json', 'corpus', 'add', f]);
    expect(add.code).toBe(0);
    expect(JSON.parse(add.stdout)).toMatchObject({ passages: 2, sources: [{ added: 2, rejected: 0 }] });
    const search = await runGecko(['-w', ws, '--json', 'corpus', 'search', 'roasted coffee', '-k', '1']);
    const hits = JSON.parse(search.stdout).hits;
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ id: 'b', title: 'Coffee' });
    expect(hits[0].score).toBeGreaterThan(0);
    const text = await runGecko(['-w', ws, 'corpus', 'search', 'gecko setae']);
    expect(text.stdout).toMatch(/1\. +[\d.]+ +a +Gecko toes/);
    const stats = await runGecko(['-w', ws, '--json', 'corpus', 'stats']);
    expect(JSON.parse(stats.stdout)).toMatchObject({ passages: 2, unique: 2, index: { k1: 1.2, b: 0.75 } });
  });

  it('a killed ingest leaves the store consistent and the file can be added again', async () => {
    const d = tempDir();
    const ws = join(d, 'ws');
    const small = join(d, 'small.jsonl');
    writeFileSync(small, '{"_id": "s1", "text": "committed before the crash"}\n');
    expect((await runGecko(['-w', ws, 'corpus', 'add', small])).code).toBe(0);
    const big = join(d, 'big.jsonl');
    await writeSyntheticJsonl(big, 150_000, 60);

    const child = spawn(
      process.execPath,
      // One indexing worker, as on a 2-CPU machine: the kill also hits its scratch shard mid-write.
      [
        '--import',
        TSX_LOADER,
        join(ROOT, 'src/cli/main.ts'),
        '-w',
        ws,
        'corpus',
        'add',
        big,
        '--index-workers',
        '1',
      ],
      {
        stdio: 'ignore',
      },
    );
    const wal = join(ws, 'gecko.db-wal');
    // Kill once the transaction has written a good part of the file (the WAL grows as pages spill).
    const killedMidway = await new Promise<boolean>((resolve) => {
      const timer = setInterval(() => {
        if (existsSync(wal) && statSync(wal).size > 8e6) {
          clearInterval(timer);
          child.kill('SIGKILL');
          resolve(true);
        }
      }, 20);
      child.on('exit', () => {
        clearInterval(timer);
        resolve(false);
      });
    });
    await new Promise((r) =>
      child.exitCode !== null || child.signalCode !== null ? r(null) : child.on('exit', r),
    );
    expect(killedMidway).toBe(true);

    const db = new Database(join(ws, 'gecko.db'));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(() => db.exec("INSERT INTO passages_fts(passages_fts) VALUES('integrity-check')")).not.toThrow();
    db.close();
    const corpus = openCorpus(ws);
    try {
      expect(corpus.count()).toBe(1); // the small file stays; nothing of the killed file landed
      expect(corpus.stats().sources).toHaveLength(1);
      const [r] = await corpus.add(big, { index: { workers: 1 } });
      expect(r).toMatchObject({ added: 150_000, unchanged: 0 });
      expect(r?.indexed.byWorkers).toBeGreaterThan(0);
      // The killed run's scratch shard is gone (its process is), and this run removed its own.
      expect(readdirSync(join(ws, 'tmp')).filter((f) => f.startsWith('fts-shard-'))).toEqual([]);
      expect(corpus.count()).toBe(150_001);
      expect(corpus.search('committed crash', 1)[0]?.id).toBe('s1');
    } finally {
      corpus.close();
    }
  });
});
