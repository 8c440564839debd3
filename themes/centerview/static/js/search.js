// CenterView search: runs in the browser against the index centerview writes to /search/.
// It fetches only what a query needs: the manifest, the term shards of its words, the facet
// table, and the records of the results it shows (one Range request each). Where the host
// ignores Range requests, results show their cards (title, summary) from small whole files,
// and phrases and proximity, which need positions, are left out. No framework, no external
// requests.
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
  let manifest, version = '', ranges = true;
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
  // Remembers each answer; a failed one is forgotten, so that a later query asks again.
  const memo = (f) => { const m = new Map(); return (k) => { if (!m.has(k)) m.set(k, f(k).catch((e) => { m.delete(k); throw e; })); return m.get(k); }; };

  const shardOf = (term) => { let lo = 0, hi = manifest.shards.length - 1; while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (manifest.shards[mid] <= term) lo = mid; else hi = mid - 1; } return lo; };
  const get = async (path) => gunzip(new Uint8Array(await (await fetch(base + path + version)).arrayBuffer()));
  // Where blob `k` of a file written behind a header of offsets (u32 count, u32 offsets) lies.
  const span = memo(async (key) => {
    const [path, k] = key.split('#'), at = 4 + 4 * Number(k);
    const h = await range(path, at, at + 8), view = new DataView(h.buffer, h.byteOffset, 8);
    return [view.getUint32(0, true), view.getUint32(4, true)];
  });
  async function blob(path, k) {
    const [start, end] = await span(`${path}#${k}`);
    return gunzip(await range(path, start, end));
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
  const posFile = (i) => `pos-${Math.floor(i / manifest.positions_per_file)}.bin#${i % manifest.positions_per_file}`;
  const loaded = new Set();
  const positions = memo(async (i) => {
    const { order } = await shard(i), [path, k] = posFile(i).split('#'), r = new Reader(await blob(path, k));
    loaded.add(i);
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
  // Without Range requests, a result is its card (title, URL, kind, date, summary), read from
  // a file of a few hundred cards, and has no text to take an excerpt from.
  const part = (d, k) => blob(`docs-${Math.floor(d / manifest.docs_per_chunk)}.bin`, 2 * (d % manifest.docs_per_chunk) + k);
  const cards = memo(async (i) => JSON.parse(utf8.decode(await get(`cards-${i}.bin`))));
  const card = async (d) => {
    const [t, u, k, date, s] = (await cards(Math.floor(d / manifest.cards_per_file)))[d % manifest.cards_per_file];
    return { t, u, k, d: date, s, x: '', more: false, h: [], b: [] };
  };
  const record = memo(async (d) => ranges ? JSON.parse(utf8.decode(await part(d, 0))) : card(d));
  const tail = memo(async (d) => utf8.decode(await part(d, 1)));
  // A record's whole text: its head's start, and the tail only if asked for.
  const fullText = memo(async (d) => { const r = await record(d); return r.more ? r.x + await tail(d) : r.x; });

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
  // BM25F: a posting's score from its value (the weighted frequency outside the title, shifted
  // left by flag_bits, with bit 1 set if the title has the term and bit 2 if the tags do), the
  // term's document count and the document's length. Title and tag matches add their own
  // boosts: folded into the frequency, they would saturate.
  const idfOf = (df) => Math.log(1 + (manifest.docs - df + 0.5) / (df + 0.5));
  const bm25 = (idf, value, len) => {
    const m = manifest, freq = value >> m.flag_bits;
    const flags = (value & 1) * m.title_boost + ((value >> 1) & 1) * m.tag_boost;
    return idf * (freq * (m.k1 + 1) / (freq + m.k1 * (1 - m.b + m.b * len / m.avg_len)) + flags);
  };
  // Postings of one query word: its scores (Map doc -> score), IDF and terms ([shard, entry]).
  // The terms a word matches (its stem, and while it is being typed every term it begins)
  // count as one term: a document's largest frequency, its flags if any has them, and one
  // document count for all, so a rare completion ("leadership" for "leaders") does not
  // outrank the word itself.
  async function postings(word) {
    const values = new Map(), docs = await facets(), terms = [], fb = manifest.flag_bits, low = (1 << fb) - 1;
    const take = (i, entry) => {
      if (!entry) return;
      terms.push([i, entry]);
      entry.docs.forEach((d, j) => {
        const v = entry.freqs[j], o = values.get(d) || 0;
        values.set(d, (Math.max(o >> fb, v >> fb) << fb) | (o & low) | (v & low));
      });
    };
    for (const s of word.stems) take(shardOf(s), (await shard(shardOf(s))).terms.get(s));
    if (word.prefix) {
      const first = shardOf(word.prefix), last = Math.min(shardOf(word.prefix + '\uffff'), first + 1);
      for (let i = first; i <= last; i++) for (const [term, entry] of (await shard(i)).terms) if (term.startsWith(word.prefix) && !word.stems.includes(term)) take(i, entry);
    }
    const hits = new Map(), idf = idfOf(values.size);
    for (const [d, v] of values) hits.set(d, bm25(idf, v, docs[d].len));
    return { hits, idf, terms };
  }
  // Proximity: query words found close together, in the query's order, rank above words
  // scattered over a page. For the best-scored documents, each pair of neighbouring query
  // words adds up to (k1 + 1) x PROXIMITY x the rarer word's IDF, saturating like BM25 over
  // sum(1 / distance) of the pair's occurrences within WINDOW tokens of each other; a pair
  // side by side in the title adds the title boost as well. Positions are fetched only
  // where they are cheap (PROXIMITY_BYTES at most): a site so large that its common words'
  // positions weigh more ranks by the fields alone.
  const WINDOW = 8, PROXIMITY = 1.5, PROXIMITY_TOP = 100, PROXIMITY_BYTES = 192 * 1024;
  async function proximity(words, found, scores) {
    const pairs = [];
    for (let k = 0; k + 1 < words.length; k++) if (words[k].stems.join() !== words[k + 1].stems.join()) pairs.push([k, k + 1]);
    if (!pairs.length || !ranges || scores.size < 2) return;
    const shards = new Set(found.flatMap((f) => f.terms.map(([i]) => i)));
    let bytes = 0;
    const spans = await Promise.all([...shards].filter((i) => !loaded.has(i)).map((i) => span(posFile(i))));
    for (const [s, e] of spans) bytes += e - s;
    if (bytes > PROXIMITY_BYTES) return;
    const top = new Set([...scores].sort((a, b) => b[1] - a[1]).slice(0, PROXIMITY_TOP).map(([d]) => d));
    const lists = await Promise.all(found.map(async (f) => {
      const byDoc = new Map();
      for (const [i, entry] of f.terms) {
        const all = (await positions(i))[entry.order];
        entry.docs.forEach((d, j) => top.has(d) && byDoc.set(d, (byDoc.get(d) || []).concat(all[j])));
      }
      if (f.terms.length > 1) for (const p of byDoc.values()) p.sort((a, b) => a - b);
      return byDoc;
    }));
    const m = manifest, titleEnd = m.field_starts[1];
    for (const d of top) {
      let bonus = 0;
      for (const [a, b] of pairs) {
        const pa = lists[a].get(d), pb = lists[b].get(d);
        if (!pa || !pb) continue;
        const { near, titled } = closeness(pa, pb, titleEnd), idf = Math.min(found[a].idf, found[b].idf);
        bonus += idf * (PROXIMITY * near * (m.k1 + 1) / (near + m.k1) + (titled ? m.title_boost : 0));
      }
      scores.set(d, scores.get(d) + bonus);
    }
  }
  // How close word b comes to word a: the sum, over a's positions, of 1 / the distance to
  // the nearest b within WINDOW (a b before a counts one further than after it), and whether
  // the two stand side by side in the title.
  function closeness(pa, pb, titleEnd) {
    let near = 0, titled = false, j = 0;
    for (const p of pa) {
      while (j < pb.length && pb[j] <= p) j++;
      const after = j < pb.length ? pb[j] - p : Infinity, before = j > 0 && pb[j - 1] < p ? p - pb[j - 1] + 1 : Infinity;
      const dist = Math.min(after, before);
      if (dist <= WINDOW) near += 1 / dist;
      if (after === 1 && p < titleEnd) titled = true;
    }
    return { near, titled };
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
    const found = await Promise.all(words.map(postings));
    let scores = null;
    words.forEach((w, k) => {
      if (w.optional && !found[k].hits.size) return;
      const next = new Map();
      for (const [d, s] of found[k].hits) if (!scores || scores.has(d)) next.set(d, (scores ? scores.get(d) : 0) + s);
      scores = next;
    });
    if (!scores || (!required.length && !scores.size)) return new Map();
    // Without positions (no Range requests), a phrase is its words, all required.
    for (const phrase of ranges ? phrases : []) {
      if (phrase.length < 2) continue;
      const ok = await phraseOk(phrase, scores.keys());
      for (const d of [...scores.keys()]) if (!ok.has(d)) scores.delete(d);
    }
    const kept = words.map((w, k) => [w, found[k]]).filter(([w]) => !w.optional);
    // Closeness is a bonus: where its positions cannot be fetched, rank by the fields alone.
    const before = new Map(scores);
    try { await proximity(kept.map(([w]) => w), kept.map(([, f]) => f), scores); } catch (e) { return before; }
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
    let end = -1;
    return out.filter((h) => h[0] >= end && ((end = h[1]), true));
  }
  // Matches next to each other (the words of a phrase, with only spaces between) are one mark.
  function mark(text, ranges) {
    const joined = [];
    for (const [s, e] of ranges) {
      const last = joined[joined.length - 1];
      if (last && /^[ \u00a0]+$/.test(text.slice(last[1], s))) last[1] = e; else joined.push([s, e]);
    }
    let html = '', at = 0;
    for (const [s, e] of joined) { html += esc(text.slice(at, s)) + '<mark>' + esc(text.slice(s, e)) + '</mark>'; at = e; }
    return html + esc(text.slice(at));
  }
  // The record's block of data (table cells, figure data: 'd') or code ('c') at `at`, as
  // [start, end, kind]; null in running text (paragraphs, list items, boxes, headings).
  const blockAt = (blocks, at) => blocks.find(([s, e]) => at >= s && at < e) || null;
  // The excerpt around the best match: in sentences where there are any, else in data, and in
  // code only where the match is only there. Returns { html, at, prose } or null.
  function excerpt(text, words, phrases, blocks = []) {
    const found = hits(text, words, phrases);
    if (!found.length) return null;
    const kind = (h) => (blockAt(blocks, h[0]) || [0, 0, ''])[2];
    const pool = ['', 'd', 'c'].map((k) => found.filter((h) => kind(h) === k)).find((l) => l.length);
    let best = pool[0], bestScore = 0;
    for (const h of pool) {
      const inside = found.filter((o) => o[0] >= h[0] - 60 && o[1] <= h[0] + 180);
      const score = new Set(inside.map((o) => o[2])).size * 10 + inside.length;
      if (score > bestScore) { best = h; bestScore = score; }
    }
    // Within the match's own block of data or code; in running text, up to the blocks around.
    const own = blockAt(blocks, best[0]);
    let [lo, hi] = own || [0, text.length];
    if (!own) for (const [s, e] of blocks) { if (e <= best[0]) lo = Math.max(lo, e); else if (s >= best[1]) hi = Math.min(hi, s); }
    // From the start of the sentence when it starts shortly before the match, else a few words before.
    const from = Math.max(lo, best[0] - 120), before = text.slice(from, best[0]);
    const sentence = [...before.matchAll(/[.!?]["”’)]?\s+|\n/g)].pop();
    let start = sentence ? from + sentence.index + sentence[0].length : from === lo ? lo : Math.max(lo, best[0] - 60);
    const clean = sentence || start === lo;
    const space = text.indexOf(' ', start);
    if (!clean && space >= 0 && space < best[0]) start = space + 1;
    let end = Math.min(hi, start + 240);
    if (end < hi) { const space = text.lastIndexOf(' ', end); if (space > best[1]) end = space; }
    // Blocks (paragraphs, headings, cells) are separated by a middle dot.
    const html = mark(text.slice(start, end), found.filter((h) => h[0] >= start && h[1] <= end).map(([s, e]) => [s - start, e - start])).replace(/\n+/g, ' · ').replace(/^ · | · $/g, '');
    return { html: (start > 0 && !clean ? '… ' : '') + html + (end < text.length ? ' …' : ''), at: best[0], prose: !own };
  }

  // ---- "Did you mean" ----
  // words.bin: the site's words (folded, unstemmed), most common first, fetched only when a
  // query finds nothing.
  const dictionary = memo(async () => utf8.decode(await get('words.bin')).split('\n').filter(Boolean));
  // Optimal string alignment distance (edits, with a swap of neighbours as one), or more
  // than `max` as soon as it must be.
  function distance(a, b, max) {
    if (Math.abs(a.length - b.length) > max) return max + 1;
    let before = [], prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const row = [i];
      let low = i;
      for (let j = 1; j <= b.length; j++) {
        let v = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, before[j - 2] + 1);
        row.push(v);
        low = Math.min(low, v);
      }
      if (low > max) return max + 1;
      [before, prev] = [prev, row];
    }
    return prev[b.length];
  }
  // The query with each word the index does not have replaced by the nearest word it has
  // (one edit for words of up to four letters, two for longer; the more common word on a
  // tie), or null when no word changes.
  // The rest of the query (quotes, other words, spacing) is kept as it was typed.
  async function suggest(q) {
    const stops = stop(), dict = await dictionary();
    let out = '', at = 0, changed = false;
    for (const m of q.matchAll(WORD)) {
      const tokens = split(fold(m[0])), t = tokens[0];
      const indexed = tokens.length === 1 && (t.length > 1 || /\d/.test(t)) && !stops.has(t);
      if (!indexed || /\d/.test(t) || (await shard(shardOf(stem(t)))).terms.has(stem(t))) continue;
      const max = t.length <= 4 ? 1 : 2;
      let best = null, bestDistance = max + 1;
      for (const w of dict) {
        const d = distance(t, w, bestDistance - 1);
        if (d < bestDistance) { best = w; bestDistance = d; if (d === 1) break; }
      }
      if (!best) continue;
      out += q.slice(at, m.index) + best;
      at = m.index + m[0].length;
      changed = true;
    }
    return changed ? (out + q.slice(at)).trim() : null;
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
      let text = r.x, ex = words.length ? excerpt(text, words, phrases, r.b) : null;
      // The rest of the text is fetched only when the head has no match in running text and
      // the title has none: where it has, the reader sees why the page was found, and the
      // summary is shown rather than table cells or code.
      const inTitle = words.length && hits(r.t, words, phrases).length > 0;
      if (words.length && !(ex && ex.prose) && !inTitle && r.more) { text = await fullText(d); ex = excerpt(text, words, phrases, r.b); }
      if (ex && !ex.prose && inTitle) ex = null;
      let url = r.u, section = '';
      if (ex) {
        const h = r.h.filter(([at]) => at <= ex.at).pop();
        if (h) {
          url += '#' + h[1];
          const end = text.indexOf('\n', h[0]);
          section = `<p class="result-section">In <a href="${esc(url)}">${esc(text.slice(h[0], end < 0 ? undefined : end))}</a></p>`;
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
    const meant = !n && scores && !scores.size ? await suggest(state.q).catch(() => null) : null;
    if (run !== state.run) return;
    if (n) status.textContent = `${n} ${n === 1 ? 'result' : 'results'}${what}`;
    else if (meant) status.innerHTML = `No results${esc(what)}. <span class="search-suggestion">Did you mean <a href="?q=${encodeURIComponent(meant)}">${esc(meant)}</a>?</span>`;
    else status.textContent = `No results${what}. Try fewer or different words, or clear the filters.`;
    const link = status.querySelector('.search-suggestion a');
    if (link) link.addEventListener('click', (e) => { e.preventDefault(); input.value = meant; update(true); });
    root.setAttribute('data-ready', String(run));
  }

  async function start() {
    try {
      // Asked as a range: a 206 answer says the host serves parts of files, a 200 that it does not.
      const r = await fetch(base + 'manifest.bin', { cache: 'no-cache', headers: { Range: 'bytes=0-' } });
      if (!r.ok) throw new Error(`manifest: ${r.status}`);
      ranges = r.status === 206;
      manifest = JSON.parse(utf8.decode(await gunzip(new Uint8Array(await r.arrayBuffer()))));
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
