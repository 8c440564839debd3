// CenterView search: runs in the browser against the index centerview writes to /search/.
// It fetches only what a query needs: the manifest, the term shards of its words, the facet
// table, and the records of the results it shows. No framework, no external requests.
// Text handling must match src/search/tokens.rs (folding, tokens, stopwords, stemming).
(() => {
  'use strict';
  const root = document.querySelector('[data-search]');
  if (!root) return;
  const base = root.getAttribute('data-search');
  const $ = (s) => root.querySelector(s);
  const form = $('form'), input = $('#search-input'), status = $('#search-status');
  const list = $('#search-results'), facetsBox = $('#search-facets'), more = $('#search-more');
  const PAGE = 10, GROUPS = ['kind', 'topic', 'series', 'year'];
  const LABELS = { kind: 'Kind', topic: 'Topic', series: 'Series', year: 'Year' };
  const utf8 = new TextDecoder();

  // ---- Words: fold, split, stem (Snowball English, as rust-stemmers implements it) ----
  const fold = (s) => s.normalize('NFD').replace(/\p{M}/gu, '').replace(/['’‘]/g, '').toLowerCase();
  const split = (s) => s.match(/[\p{Alphabetic}\p{N}]+/gu) || [];
  const isV = (c) => c !== undefined && 'aeiouy'.includes(c);
  const EXC1 = { skis: 'ski', skies: 'sky', dying: 'die', lying: 'lie', tying: 'tie', idly: 'idl', gently: 'gentl', ugly: 'ugli', early: 'earli', only: 'onli', singly: 'singl', sky: 'sky', news: 'news', howe: 'howe', atlas: 'atlas', cosmos: 'cosmos', bias: 'bias', andes: 'andes' };
  const EXC2 = ['inning', 'outing', 'canning', 'herring', 'earring', 'proceed', 'exceed', 'succeed'];
  const STEP2 = [['ization', 'ize'], ['ational', 'ate'], ['fulness', 'ful'], ['ousness', 'ous'], ['iveness', 'ive'], ['tional', 'tion'], ['biliti', 'ble'], ['lessli', 'less'], ['entli', 'ent'], ['ation', 'ate'], ['alism', 'al'], ['aliti', 'al'], ['ousli', 'ous'], ['iviti', 'ive'], ['fulli', 'ful'], ['enci', 'ence'], ['anci', 'ance'], ['abli', 'able'], ['izer', 'ize'], ['ator', 'ate'], ['alli', 'al'], ['bli', 'ble'], ['ogi', 'og'], ['li', '']];
  const STEP3 = [['ational', 'ate'], ['tional', 'tion'], ['alize', 'al'], ['icate', 'ic'], ['iciti', 'ic'], ['ative', ''], ['ical', 'ic'], ['ness', ''], ['ful', '']];
  const STEP4 = ['ement', 'ance', 'ence', 'able', 'ible', 'ment', 'ant', 'ent', 'ism', 'ate', 'iti', 'ous', 'ive', 'ize', 'ion', 'al', 'er', 'ic'];
  const longest = (w, list) => list.find((s) => w.endsWith(typeof s === 'string' ? s : s[0]));
  // A short syllable ends at index i (exclusive).
  const shortv = (w, i) => (i >= 3 && !'aeiouywxY'.includes(w[i - 1]) && isV(w[i - 2]) && !isV(w[i - 3])) || (i === 2 && !isV(w[1]) && isV(w[0]));
  function stem(word) {
    if (EXC1[word] !== undefined) return EXC1[word];
    if (word.length < 3) return word;
    let w = word[0] === 'y' ? 'Y' + word.slice(1) : word;
    for (let i = 1; i < w.length; i++) if (w[i] === 'y' && isV(w[i - 1])) w = w.slice(0, i) + 'Y' + w.slice(i + 1);
    let p1 = w.length, p2 = w.length;
    const region = (from) => { let i = from; while (i < w.length && !isV(w[i])) i++; while (i < w.length && isV(w[i])) i++; return i < w.length ? i + 1 : w.length; };
    const prefix = ['gener', 'commun', 'arsen'].find((p) => w.startsWith(p));
    p1 = prefix ? prefix.length : region(0);
    p2 = region(p1);
    const hasV = (end) => { for (let i = 0; i < end; i++) if (isV(w[i])) return true; return false; };
    // Step 1a
    if (w.endsWith('sses')) w = w.slice(0, -2);
    else if (w.endsWith('ied') || w.endsWith('ies')) w = w.slice(0, -3) + (w.length > 4 ? 'i' : 'ie');
    else if (w.endsWith('ss') || w.endsWith('us')) { /* unchanged */ }
    else if (w.endsWith('s') && hasV(w.length - 2)) w = w.slice(0, -1);
    if (!EXC2.includes(w)) {
      // Step 1b
      const s1b = ['eedly', 'ingly', 'edly', 'eed', 'ing', 'ed'].find((s) => w.endsWith(s));
      if (s1b === 'eed' || s1b === 'eedly') {
        if (w.length - s1b.length >= p1) w = w.slice(0, -s1b.length) + 'ee';
      } else if (s1b && hasV(w.length - s1b.length)) {
        w = w.slice(0, -s1b.length);
        if (/(at|bl|iz)$/.test(w)) w += 'e';
        else if (/(bb|dd|ff|gg|mm|nn|pp|rr|tt)$/.test(w)) w = w.slice(0, -1);
        else if (p1 === w.length && shortv(w, w.length)) w += 'e';
      }
      // Step 1c
      if (/[yY]$/.test(w) && w.length > 2 && !isV(w[w.length - 2])) w = w.slice(0, -1) + 'i';
      // Step 2
      const s2 = longest(w, STEP2);
      if (s2 && w.length - s2[0].length >= p1) {
        const before = w[w.length - s2[0].length - 1];
        if (s2[0] === 'ogi') { if (before === 'l') w = w.slice(0, -3) + 'og'; }
        else if (s2[0] === 'li') { if (before !== undefined && 'cdeghkmnrt'.includes(before)) w = w.slice(0, -2); }
        else w = w.slice(0, -s2[0].length) + s2[1];
      }
      // Step 3
      const s3 = longest(w, STEP3);
      if (s3 && w.length - s3[0].length >= p1 && (s3[0] !== 'ative' || w.length - 5 >= p2)) w = w.slice(0, -s3[0].length) + s3[1];
      // Step 4
      const s4 = longest(w, STEP4);
      if (s4 && w.length - s4.length >= p2 && (s4 !== 'ion' || /[st]$/.test(w.slice(0, -3)))) w = w.slice(0, -s4.length);
      // Step 5
      if (w.endsWith('e')) {
        const at = w.length - 1;
        if (at >= p2 || (at >= p1 && !shortv(w, at))) w = w.slice(0, -1);
      } else if (w.endsWith('l') && w.length - 1 >= p2 && w[w.length - 2] === 'l') w = w.slice(0, -1);
    }
    return w.replace(/Y/g, 'y');
  }
  root.stem = stem; // exposed for the browser test's parity check with rust-stemmers

  // ---- Fetching ----
  let manifest, version = '';
  const full = new Map();
  async function range(path, start, end) {
    if (full.has(path)) return (await full.get(path)).slice(start, end);
    const r = await fetch(base + path + version, { headers: { Range: `bytes=${start}-${end - 1}` } });
    if (!r.ok) throw new Error(`${path}: ${r.status}`);
    if (r.status === 206) return new Uint8Array(await r.arrayBuffer());
    // The server ignored Range: keep the whole file and slice it.
    const all = r.arrayBuffer().then((b) => new Uint8Array(b));
    full.set(path, all);
    return (await all).slice(start, end);
  }
  async function gunzip(bytes) {
    if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes; // already decoded by the server
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }
  class Reader {
    constructor(b) { this.b = b; this.i = 0; }
    v() { let x = 0, m = 1, c; do { c = this.b[this.i++]; x += (c & 127) * m; m *= 128; } while (c & 128); return x; }
    u8() { return this.b[this.i++]; }
    s(n) { const t = utf8.decode(this.b.subarray(this.i, this.i + n)); this.i += n; return t; }
  }
  const memo = (f) => { const m = new Map(); return (k) => { if (!m.has(k)) m.set(k, f(k)); return m.get(k); }; };

  const shardOf = (term) => { let lo = 0, hi = manifest.shards.length - 1; while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (manifest.shards[mid] <= term) lo = mid; else hi = mid - 1; } return lo; };
  const get = async (path) => gunzip(new Uint8Array(await (await fetch(base + path + version)).arrayBuffer()));
  // Blob `k` of a file written behind a header of offsets (u32 count, u32 offsets).
  async function blob(path, k) {
    const h = await range(path, 4 + 4 * k, 12 + 4 * k), view = new DataView(h.buffer, h.byteOffset, 8);
    return gunzip(await range(path, view.getUint32(0, true), view.getUint32(4, true)));
  }
  // A shard's terms: term -> { docs, freqs, order } (each posting's value, as bm25 reads it).
  const shard = memo(async (i) => {
    const r = new Reader(await get(`shard-${i}.bin`));
    const terms = new Map(), order = [];
    let prev = '';
    for (let n = r.v(), k = 0; k < n; k++) {
      const shared = r.v(), term = prev.slice(0, shared) + r.s(r.v());
      const df = r.v(), docs = new Uint32Array(df), freqs = new Uint32Array(df);
      for (let j = 0, d = 0; j < df; j++) { d += r.v(); docs[j] = d; freqs[j] = r.v(); }
      terms.set(term, { docs, freqs, order: k });
      order.push(df);
      prev = term;
    }
    return { terms, order };
  });
  // A shard's positions: term order -> per posting, its positions.
  const positions = memo(async (i) => {
    const { order } = await shard(i);
    const per = manifest.positions_per_file, r = new Reader(await blob(`pos-${Math.floor(i / per)}.bin`, i % per));
    return order.map((df) => { const out = []; for (let j = 0; j < df; j++) { const p = []; for (let n = r.v(), x = 0; n > 0; n--) { x += r.v(); p.push(x); } out.push(p); } return out; });
  });
  // Facets, stored column by column: kinds, years, series, topic counts, topic ids, lengths.
  const facets = memo(async () => {
    const r = new Reader(await get('facets.bin')), n = r.v(), docs = [];
    const kinds = r.b.subarray(r.i, r.i + n); r.i += n;
    const years = r.b.subarray(r.i, r.i + n); r.i += n;
    const series = []; for (let d = 0; d < n; d++) series.push(r.v());
    const counts = r.b.subarray(r.i, r.i + n); r.i += n;
    for (let d = 0; d < n; d++) {
      const topics = []; for (let t = counts[d]; t > 0; t--) topics.push(r.v());
      docs.push({ kind: [kinds[d]], topic: topics, series: series[d] ? [series[d] - 1] : [], year: years[d] ? [manifest.first_year + years[d] - 1] : [] });
    }
    for (let d = 0; d < n; d++) docs[d].len = Math.pow(manifest.length_base, r.u8()) - 1;
    return docs;
  });
  // A document's record is a head (title, URL, ..., the start of the text) and a tail (the
  // rest of the text), fetched only when the head holds no match.
  const part = (d, k) => blob(`docs-${Math.floor(d / manifest.docs_per_chunk)}.bin`, 2 * (d % manifest.docs_per_chunk) + k);
  const record = memo(async (d) => JSON.parse(utf8.decode(await part(d, 0))));
  const tail = memo(async (d) => utf8.decode(await part(d, 1)));

  // ---- Queries ----
  const stop = () => new Set(manifest.stopwords);
  // Words and phrases of a query. The last word, while it is being typed, also matches as a prefix.
  function parse(q) {
    const stops = stop(), words = [], phrases = [];
    const typing = !/\s$/.test(q) && (q.match(/"/g) || []).length % 2 === 0;
    const parts = q.split(/("[^"]*"?)/);
    parts.forEach((part, pi) => {
      if (part.startsWith('"')) {
        const tokens = split(fold(part.replace(/"/g, '')));
        const terms = tokens.map((t, at) => ({ stem: stem(t), at, t })).filter((x) => x.t.length > 1 || /\d/.test(x.t)).filter((x) => !stops.has(x.t));
        if (terms.length) phrases.push(terms);
        terms.forEach((x) => words.push({ stems: [x.stem], prefix: null, raw: x.t, phrase: true }));
        return;
      }
      const tokens = split(fold(part));
      tokens.forEach((t, ti) => {
        const last = typing && pi === parts.length - 1 && ti === tokens.length - 1;
        const indexed = (t.length > 1 || /\d/.test(t)) && !stops.has(t);
        if (last && t.length >= 3) words.push({ stems: [stem(t)], prefix: t, raw: t, optional: !indexed });
        else if (indexed) words.push({ stems: [stem(t)], prefix: null, raw: t });
      });
    });
    return { words, phrases };
  }
  // BM25F: a posting's score from its value (the weighted frequency outside the title, times
  // two, plus one if the title has the term), the term's document count and the document's
  // length. A title match adds its own boost: folded into the frequency, it would saturate.
  const bm25 = (df, value, len) => {
    const m = manifest, idf = Math.log(1 + (m.docs - df + 0.5) / (df + 0.5)), freq = value >> 1;
    return idf * (freq * (m.k1 + 1) / (freq + m.k1 * (1 - m.b + m.b * len / m.avg_len)) + (value & 1) * m.title_boost);
  };
  // Postings of one query word: Map doc -> score. The terms a word matches (its stem, and
  // while it is being typed every term it begins) count as one term: a document's largest
  // frequency, its title flag if any has it, and one document count for all, so a rare
  // completion ("leadership" for "leaders") does not outrank the word itself.
  async function postings(word) {
    const values = new Map(), docs = await facets();
    const take = (entry) => entry && entry.docs.forEach((d, j) => {
      const v = entry.freqs[j], o = values.get(d) || 0;
      values.set(d, (Math.max(o >> 1, v >> 1) << 1) | (o & 1) | (v & 1));
    });
    for (const s of word.stems) take((await shard(shardOf(s))).terms.get(s));
    if (word.prefix) {
      const first = shardOf(word.prefix), last = Math.min(shardOf(word.prefix + '\uffff'), first + 1);
      for (let i = first; i <= last; i++) for (const [term, entry] of (await shard(i)).terms) if (term.startsWith(word.prefix)) take(entry);
    }
    const hits = new Map();
    for (const [d, v] of values) hits.set(d, bm25(values.size, v, docs[d].len));
    return hits;
  }
  async function phraseOk(phrase, candidates) {
    const lists = await Promise.all(phrase.map(async (x) => {
      const i = shardOf(x.stem), entry = (await shard(i)).terms.get(x.stem);
      if (!entry) return null;
      const all = (await positions(i))[entry.order], byDoc = new Map();
      entry.docs.forEach((d, j) => byDoc.set(d, all[j]));
      return byDoc;
    }));
    if (lists.some((l) => !l)) return new Set();
    const ok = new Set();
    for (const d of candidates) {
      const first = lists[0].get(d) || [], rest = phrase.slice(1).map((x, k) => new Set(lists[k + 1].get(d) || []));
      if (first.some((p) => rest.every((set, k) => set.has(p + phrase[k + 1].at - phrase[0].at)))) ok.add(d);
    }
    return ok;
  }
  // Every matching document with its score; null when the query is empty (browse all).
  async function match(q) {
    const { words, phrases } = parse(q);
    const required = words.filter((w) => !w.optional);
    if (!words.length) return null;
    const lists = await Promise.all(words.map(postings));
    let scores = null;
    words.forEach((w, k) => {
      if (w.optional && !lists[k].size) return;
      const next = new Map();
      for (const [d, s] of lists[k]) if (!scores || scores.has(d)) next.set(d, (scores ? scores.get(d) : 0) + s);
      scores = next;
    });
    if (!scores || (!required.length && !scores.size)) return new Map();
    for (const phrase of phrases) {
      if (phrase.length < 2) continue;
      const ok = await phraseOk(phrase, scores.keys());
      for (const d of [...scores.keys()]) if (!ok.has(d)) scores.delete(d);
    }
    return scores;
  }

  // ---- Excerpts and highlighting ----
  const esc = (s) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
  const WORD = /[\p{Alphabetic}\p{N}\p{M}'’‘]+/gu;
  // The character ranges in `text` that match the query: single words, and whole phrases.
  function hits(text, words, phrases = []) {
    const toks = [];
    for (const m of text.matchAll(WORD)) for (const t of split(fold(m[0]))) toks.push({ s: m.index, e: m.index + m[0].length, t, stem: stem(t) });
    const out = [];
    toks.forEach((k, i) => {
      if (words.some((w) => !w.phrase && (w.stems.includes(k.stem) || (w.prefix && k.t.startsWith(w.prefix))))) out.push([k.s, k.e, k.stem]);
      for (const p of phrases) {
        if (p.length < 2 ? p[0].stem === k.stem : p.every((x) => { const o = toks[i + x.at - p[0].at]; return o && o.stem === x.stem; })) {
          const last = toks[i + p[p.length - 1].at - p[0].at];
          out.push([k.s, last.e, p.map((x) => x.stem).join(' ')]);
        }
      }
    });
    out.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
    return out.filter((h, i) => i === 0 || h[0] >= out[i - 1][1]);
  }
  function mark(text, ranges) {
    let html = '', at = 0;
    for (const [s, e] of ranges) { html += esc(text.slice(at, s)) + '<mark>' + esc(text.slice(s, e)) + '</mark>'; at = e; }
    return html + esc(text.slice(at));
  }
  function excerpt(text, words, phrases) {
    const found = hits(text, words, phrases);
    if (!found.length) return null;
    let best = found[0], bestScore = 0;
    for (const h of found) {
      const inside = found.filter((o) => o[0] >= h[0] - 60 && o[1] <= h[0] + 180);
      const score = new Set(inside.map((o) => o[2])).size * 10 + inside.length;
      if (score > bestScore) { best = h; bestScore = score; }
    }
    let start = Math.max(0, best[0] - 60), end = Math.min(text.length, best[0] + 180);
    if (start > 0) start = text.indexOf(' ', start) + 1 || start;
    if (end < text.length) end = text.lastIndexOf(' ', end) > best[1] ? text.lastIndexOf(' ', end) : end;
    // Blocks (paragraphs, headings, cells) are separated by a middle dot.
    const html = mark(text.slice(start, end), found.filter((h) => h[0] >= start && h[1] <= end).map(([s, e]) => [s - start, e - start])).replace(/\n/g, ' · ');
    return { html: (start > 0 ? '… ' : '') + html + (end < text.length ? ' …' : ''), at: best[0] };
  }

  // ---- State, URL and rendering ----
  const state = { q: '', selected: Object.fromEntries(GROUPS.map((g) => [g, new Set()])), ranked: [], shown: 0, run: 0 };
  const valueName = (g, v) => g === 'kind' ? manifest.kinds[v][1] : g === 'topic' ? manifest.topics[v] : g === 'series' ? manifest.series[v] : String(v);
  const urlValue = (g, v) => g === 'kind' ? manifest.kinds[v][0] : valueName(g, v);
  function readUrl() {
    const p = new URLSearchParams(location.search);
    state.q = p.get('q') || '';
    for (const g of GROUPS) {
      state.selected[g] = new Set();
      for (const raw of p.getAll(g)) {
        const v = g === 'kind' ? manifest.kinds.findIndex((k) => k[0] === raw) : g === 'topic' ? manifest.topics.indexOf(raw) : g === 'series' ? manifest.series.indexOf(raw) : Number(raw);
        if (v >= 0 && !Number.isNaN(v)) state.selected[g].add(v);
      }
    }
  }
  function writeUrl() {
    const p = new URLSearchParams();
    if (state.q) p.set('q', state.q);
    for (const g of GROUPS) for (const v of state.selected[g]) p.append(g, urlValue(g, v));
    const s = p.toString();
    history.replaceState(null, '', s ? '?' + s : location.pathname);
  }
  const passes = (doc, except) => GROUPS.every((g) => g === except || !state.selected[g].size || doc[g].some((v) => state.selected[g].has(v)));

  function renderFacets(docs, matched) {
    facetsBox.textContent = '';
    for (const g of GROUPS) {
      const counts = new Map();
      for (const d of matched) if (passes(docs[d], g)) for (const v of docs[d][g]) counts.set(v, (counts.get(v) || 0) + 1);
      for (const v of state.selected[g]) if (!counts.has(v)) counts.set(v, 0);
      if (!counts.size) continue;
      const values = [...counts.keys()].sort((a, b) => g === 'year' ? b - a : g === 'kind' ? a - b : valueName(g, a).localeCompare(valueName(g, b)));
      const fs = document.createElement('fieldset');
      fs.className = 'facet';
      fs.innerHTML = `<legend>${LABELS[g]}</legend>`;
      const ul = document.createElement('ul');
      for (const v of values) {
        const li = document.createElement('li'), id = `facet-${g}-${String(v).replace(/\W/g, '_')}`;
        li.innerHTML = `<input type="checkbox" id="${id}"${state.selected[g].has(v) ? ' checked' : ''}> <label for="${id}">${esc(valueName(g, v))} <span class="count">${counts.get(v)}</span></label>`;
        li.firstChild.addEventListener('change', (e) => { e.target.checked ? state.selected[g].add(v) : state.selected[g].delete(v); update(true); });
        ul.append(li);
      }
      fs.append(ul);
      facetsBox.append(fs);
    }
    if (GROUPS.some((g) => state.selected[g].size)) {
      const clear = document.createElement('button');
      clear.type = 'button';
      clear.className = 'facet-clear';
      clear.textContent = 'Clear filters';
      clear.addEventListener('click', () => { GROUPS.forEach((g) => state.selected[g].clear()); update(true); input.focus(); });
      facetsBox.append(clear);
    }
  }

  async function renderResults(from, { words, phrases }) {
    const slice = state.ranked.slice(from, from + PAGE), run = state.run;
    const items = await Promise.all(slice.map(async (d) => {
      const r = await record(d);
      let ex = words.length ? excerpt(r.x, words, phrases) : null;
      // The rest of the text is fetched only when nothing shown yet has a match: where the
      // title has one, the reader sees why the page was found, and the summary is shown.
      const inTitle = words.length && hits(r.t, words, phrases).length > 0;
      if (words.length && !ex && !inTitle && r.more) { r.x += await tail(d); r.more = false; ex = excerpt(r.x, words, phrases); }
      let url = r.u, section = '';
      if (ex) {
        const h = r.h.filter(([at]) => at <= ex.at).pop();
        if (h) {
          url += '#' + h[1];
          const end = r.x.indexOf('\n', h[0]);
          section = `<p class="result-section">In <a href="${esc(url)}">${esc(r.x.slice(h[0], end < 0 ? undefined : end))}</a></p>`;
        }
      }
      const title = words.length ? mark(r.t, hits(r.t, words, phrases)) : esc(r.t);
      const summary = ex ? ex.html : words.length ? mark(r.s, hits(r.s, words, phrases)) : esc(r.s);
      return `<li class="result"><p class="result-kind">${esc(r.k)}${r.d ? ' · ' + esc(r.d) : ''}</p><h2 class="result-title"><a href="${esc(url)}">${title}</a></h2><p class="result-excerpt">${summary}</p>${section}</li>`;
    }));
    if (run !== state.run) return;
    list.insertAdjacentHTML('beforeend', items.join(''));
    state.shown = from + slice.length;
    more.hidden = state.shown >= state.ranked.length;
  }

  let timer = 0;
  async function update(now) {
    clearTimeout(timer);
    if (!now) { timer = setTimeout(() => update(true), 120); return; }
    const run = ++state.run;
    state.q = input.value;
    writeUrl();
    const query = parse(state.q);
    const [scores, docs] = await Promise.all([match(state.q), facets()]);
    if (run !== state.run) return;
    const all = scores ? [...scores.keys()] : docs.map((_, d) => d);
    state.ranked = all.filter((d) => passes(docs[d]));
    // Documents are numbered newest first: browsing is document order, and ties go to the newer.
    state.ranked.sort(scores ? (a, b) => scores.get(b) - scores.get(a) || a - b : (a, b) => a - b);
    renderFacets(docs, all);
    list.textContent = '';
    await renderResults(0, query);
    if (run !== state.run) return;
    const q = state.q.trim(), n = state.ranked.length;
    const what = !q ? '' : q.includes('"') ? ` for ${q}` : ` for “${q}”`;
    status.textContent = n ? `${n} ${n === 1 ? 'result' : 'results'}${what}` : `No results${what}. Try fewer or different words, or clear the filters.`;
    root.setAttribute('data-ready', String(run));
  }

  async function start() {
    try {
      manifest = JSON.parse(utf8.decode(await gunzip(new Uint8Array(await (await fetch(base + 'manifest.bin', { cache: 'no-cache' })).arrayBuffer()))));
      version = '?v=' + manifest.version;
    } catch (e) {
      status.textContent = 'Search is not available right now.';
      return;
    }
    readUrl();
    input.value = state.q;
    const filters = $('#search-filters');
    if (filters && window.matchMedia('(min-width: 48rem)').matches) filters.open = true;
    input.addEventListener('input', () => update(false));
    form.addEventListener('submit', (e) => { e.preventDefault(); update(true); });
    more.addEventListener('click', async () => { const first = state.shown; await renderResults(first, parse(state.q)); const link = list.children[first] && list.children[first].querySelector('a'); if (link) link.focus(); });
    update(true);
  }
  start();
})();
