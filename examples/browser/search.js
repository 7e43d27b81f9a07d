// gecko's browser build embeds the 320 example passages in the page and searches them, with no server
// beyond static files. Page parameters (all optional): ?model= the model folder (default: the one the
// README's "no LLM yet" commands write), ?bundle= the browser build, ?corpus= a BEIR corpus.jsonl,
// ?q= a query to run once loaded, ?k= how many results (default 5).
// <body data-state> goes loading -> ready -> searched (or error), so scripts and tests can wait for it.
const params = new URLSearchParams(location.search);
const at = (name, fallback) => new URL(params.get(name) ?? fallback, location.href).href;
const statusLine = document.getElementById('status');
const form = document.getElementById('search');
const input = document.getElementById('query');
const list = document.getElementById('results');
const k = Number(params.get('k') ?? 5);

function fail(message) {
  statusLine.textContent = message;
  statusLine.className = 'error';
  document.body.dataset.state = 'error';
}

async function fetchOk(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res;
}

async function start() {
  const bundleUrl = at('bundle', '../../dist/browser/gecko.js');
  const modelUrl = at('model', '../../my-model/run/model/');
  const corpusUrl = at('corpus', '../corpus.jsonl');
  const gecko = await import(bundleUrl).catch((e) => {
    throw new Error(`cannot load the browser build from ${bundleUrl} (run "npm run build"): ${e.message}`);
  });
  const model = await gecko.loadModelFromUrl(modelUrl);
  const lines = (await (await fetchOk(corpusUrl)).text()).split('\n');
  const passages = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let row;
    try {
      row = JSON.parse(line);
    } catch (e) {
      throw new Error(`${corpusUrl}:${i + 1}: not JSON (${e.message})`);
    }
    if (typeof row.text !== 'string') throw new Error(`${corpusUrl}:${i + 1}: expected a "text" string`);
    passages.push({ id: String(row._id ?? row.id ?? i + 1), title: row.title ?? '', text: row.text });
  });

  const t0 = performance.now();
  const vectors = await model.embed(passages, { kind: 'document' });
  const dims = model.dimensions;
  // One row-major matrix, as the project's exact top-k (the one the server and evaluator use) takes it.
  const table = new Float32Array(passages.length * dims);
  for (let i = 0; i < vectors.length; i++) table.set(vectors[i], i * dims);
  const ms = performance.now() - t0;
  statusLine.textContent = `${passages.length} passages embedded in ${ms.toFixed(0)} ms (${dims} dimensions, model ${model.id.slice(0, 22)}…)`;

  async function search(query) {
    const [q] = await model.embed([query], { kind: 'query' });
    const [top] = gecko.exactTopK(q, 1, table, passages.length, dims, k);
    list.replaceChildren(
      ...Array.from(top.keys, (row, i) => {
        const p = passages[row];
        const li = document.createElement('li');
        li.dataset.id = p.id;
        li.dataset.score = String(top.scores[i]);
        const title = Object.assign(document.createElement('span'), {
          className: 'title',
          textContent: p.title || p.id,
        });
        const meta = Object.assign(document.createElement('span'), {
          className: 'meta',
          textContent: `${p.id} · ${top.scores[i].toFixed(3)}`,
        });
        const text = Object.assign(document.createElement('p'), {
          className: 'text',
          textContent: p.text.length > 220 ? `${p.text.slice(0, 220)}…` : p.text,
        });
        li.append(title, meta, text);
        return li;
      }),
    );
    document.body.dataset.state = 'searched';
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const query = input.value.trim();
    if (query) search(query).catch((e) => fail(String(e?.message ?? e)));
  });
  for (const el of form.elements) el.disabled = false;
  document.body.dataset.state = 'ready';
  const first = params.get('q');
  if (first) {
    input.value = first;
    await search(first);
  }
}

start().catch((e) => fail(String(e?.message ?? e)));
