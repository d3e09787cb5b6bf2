#!/usr/bin/env node
// A small stand-in for the Brug server, used only while developing the web
// client (and as a fallback when BRUG_BINARY is not set). It follows
// protocol.md closely enough to drive every screen; the real server is the
// C++ binary, and the browser tests run against it whenever it exists.
//   node dev/mock-server.mjs --port 0 --data /tmp/x/brug.db --web-root ../../client-web

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { WebSocketServer } from 'ws';

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.lastIndexOf(`--${name}`); return i >= 0 ? args[i + 1] : def; };
const host = opt('host', '127.0.0.1');
const port = Number(opt('port', '8080'));
const dataFile = opt('data', 'var/brug.db') + '.mock.json';
const webRoot = path.resolve(opt('web-root', 'client-web'));

const ALPHA = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const rnd = (n) => crypto.randomBytes(n).toString('base64url');
let db = { workshops: {} };
try { db = JSON.parse(fs.readFileSync(dataFile, 'utf8')); } catch (_) { /* new */ }
const save = () => { fs.mkdirSync(path.dirname(dataFile), { recursive: true }); fs.writeFileSync(dataFile, JSON.stringify(db)); };
const norm = (c) => { const s = String(c || '').toUpperCase().replace(/[^A-Z0-9]/g, ''); return s.length === 8 ? `${s.slice(0, 4)}-${s.slice(4)}` : null; };
const conns = new Map(); // code → Set(ws)

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml' };
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

function json(res, status, body) { res.writeHead(status, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(body)); }

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  let m;
  if (req.method === 'POST' && url.pathname === '/api/workshops') {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      let b; try { b = JSON.parse(body); } catch (_) { return json(res, 400, { error: { code: 'bad_request', message: 'bad json' } }); }
      const title = String(b.title || '').trim();
      if (!title) return json(res, 400, { error: { code: 'bad_request', message: 'title: 1 to 120 characters' } });
      let code = '';
      for (let i = 0; i < 8; i += 1) code += ALPHA[crypto.randomInt(ALPHA.length)];
      code = `${code.slice(0, 4)}-${code.slice(4)}`;
      const key = rnd(24);
      db.workshops[code] = {
        code, title, language: b.language || 'nl', key, phase: 'lobby', prompt: '',
        settings: { votes_per_participant: 3, anonymity_threshold: 3, max_card_chars: 500, ...(b.settings || {}) },
        columns: b.columns || [{ id: 'behouden', title: 'Behouden' }, { id: 'vernieuwen', title: 'Vernieuwen' }],
        clusters: [], cards: [], revealed: false, checkins: [], votes: {}, agreements: [], timer: null, seq: 0, nonces: {}, tokens: {},
      };
      save();
      json(res, 201, { code, facilitator_key: key, participant_url: `/w/${code}`, facilitator_url: `/f/${code}#key=${key}` });
    });
    return;
  }
  if ((m = /^\/api\/workshops\/([^/]+)\/export$/.exec(url.pathname))) {
    const w = db.workshops[norm(m[1])];
    if (!w) return json(res, 404, { error: { code: 'not_found', message: 'no workshop' } });
    if (req.headers.authorization !== `Bearer ${w.key}`) return json(res, 401, { error: { code: 'unauthorized', message: 'key' } });
    const f = url.searchParams.get('format') || 'md';
    if (f === 'json') return json(res, 200, { title: w.title, cards: w.cards.map(({ author, ...c }) => c), agreements: w.agreements });
    res.writeHead(200, { 'Content-Type': f === 'csv' ? 'text/csv; charset=utf-8' : 'text/markdown; charset=utf-8' });
    if (f === 'csv') return res.end(['kind,text', ...w.cards.map((c) => `${c.kind},"${c.text.replace(/"/g, '""')}"`)].join('\n'));
    return res.end(`# ${w.title}\n\n${w.cards.map((c) => `- ${c.text}`).join('\n')}\n`);
  }
  if (url.pathname === '/healthz') { res.end('ok'); return; }
  let file = url.pathname;
  if (file === '/' || /^\/[wf]\/[^/]+\/?$/.test(file)) file = '/index.html';
  const full = path.join(webRoot, path.normalize(file));
  if (!full.startsWith(webRoot)) { res.writeHead(404); res.end(); return; }
  fs.readFile(full, (err, data) => {
    if (err) return json(res, 404, { error: { code: 'not_found', message: 'not found' } });
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(full)] || 'application/octet-stream', 'Content-Security-Policy': CSP });
    res.end(data);
  });
});

const wss = new WebSocketServer({ noServer: true });
server.on('upgrade', (req, sock, head) => {
  const m = /^\/ws\/([^/?]+)/.exec(req.url);
  if (!m) { sock.destroy(); return; }
  wss.handleUpgrade(req, sock, head, (ws) => onConn(ws, decodeURIComponent(m[1])));
});

function visibleCard(w, c, conn) {
  const { author, ...rest } = c;
  if (conn.role === 'participant') return { ...rest, mine: author === conn.pid };
  return rest;
}
function canSee(w, c, conn) { return w.revealed && c.revealed !== false ? true : (conn.role === 'participant' && c.author === conn.pid); }
function hidden(w) { return w.cards.filter((c) => !c.shown).length; }
function tallies(w) {
  const per = {};
  for (const v of Object.values(w.votes)) for (const [k, n] of Object.entries(v)) per[k] = (per[k] || 0) + n;
  return per;
}
function stateFor(w, conn) {
  const cards = w.cards.filter((c) => c.shown || (conn.role === 'participant' && c.author === conn.pid)).map((c) => visibleCard(w, c, conn));
  const votes = {};
  if (conn.role === 'facilitator' || w.phase !== 'vote') votes.per_target = tallies(w);
  if (conn.role === 'participant') {
    votes.mine = w.votes[conn.pid] || {};
    votes.left = w.settings.votes_per_participant - Object.values(votes.mine).reduce((a, b) => a + b, 0);
  }
  return {
    code: w.code, title: w.title, language: w.language, phase: w.phase, prompt: w.prompt, settings: w.settings,
    columns: w.columns, clusters: w.clusters, cards, hidden_cards: hidden(w), revealed: w.revealed,
    checkins: w.checkins, votes, agreements: w.agreements, timer: w.timer, participants: participants(w.code),
  };
}
function participants(code) {
  const s = new Set();
  for (const c of conns.get(code) || []) if (c.conn.role === 'participant') s.add(c.conn.pid);
  return s.size;
}
function presence(code) {
  let f = 0;
  for (const c of conns.get(code) || []) if (c.conn.role === 'facilitator') f += 1;
  const msg = JSON.stringify({ type: 'presence', participants: participants(code), facilitators: f });
  for (const c of conns.get(code) || []) c.send(msg);
}

function onConn(ws, rawCode) {
  const code = norm(rawCode);
  const conn = { role: null, pid: null };
  ws.conn = conn;
  const timer = setTimeout(() => ws.close(4400, 'no hello'), 10000);
  ws.on('message', (buf) => {
    let m; try { m = JSON.parse(String(buf)); } catch (_) { ws.send(JSON.stringify({ type: 'error', req: null, code: 'bad_json', message: 'bad json' })); return; }
    if (!conn.role) {
      clearTimeout(timer);
      if (m.type !== 'hello') { ws.close(4400, 'hello first'); return; }
      const w = db.workshops[code];
      if (!w) { ws.close(4404, 'unknown workshop'); return; }
      if (m.role === 'facilitator') {
        if (m.facilitator_key !== w.key) { ws.close(4401, 'bad key'); return; }
        conn.role = 'facilitator'; conn.pid = 'F';
      } else {
        conn.role = 'participant';
        let tok = m.participant_token;
        if (!tok || !w.tokens[tok]) { tok = rnd(18); w.tokens[tok] = rnd(6); save(); }
        conn.pid = w.tokens[tok]; conn.token = tok;
      }
      if (!conns.has(code)) conns.set(code, new Set());
      conns.get(code).add(ws);
      const welcome = { type: 'welcome', protocol: 1, role: conn.role, seq: w.seq, state: stateFor(w, conn) };
      if (conn.role === 'participant') welcome.participant_token = conn.token;
      ws.send(JSON.stringify(welcome));
      presence(code);
      return;
    }
    handle(db.workshops[code], ws, conn, m);
  });
  ws.on('close', () => { clearTimeout(timer); const s = conns.get(code); if (s && s.delete(ws)) presence(code); });
}

function emit(w, name, dataFor) {
  w.seq += 1;
  for (const c of conns.get(w.code) || []) {
    const d = dataFor(c.conn);
    if (d) c.send(JSON.stringify({ type: 'event', seq: w.seq, name, data: d }));
  }
}
const all = (d) => () => d;

function handle(w, ws, conn, m) {
  const ack = (extra = {}) => ({ type: 'ack', req: m.req ?? null, ...extra });
  const err = (code, message) => ({ type: 'error', req: m.req ?? null, code, message: message || code });
  const reply = (x) => ws.send(JSON.stringify(x));
  if (m.type === 'ping') return reply({ type: 'pong', req: m.req ?? null });
  const fac = conn.role === 'facilitator';
  const nkey = m.nonce ? `${conn.pid}:${m.type}:${m.nonce}` : null;
  if (nkey && w.nonces[nkey]) return reply({ ...w.nonces[nkey], req: m.req ?? null });
  const done = (a) => { if (nkey && a.type === 'ack') w.nonces[nkey] = a; save(); reply(a); return a; };
  if (w.phase === 'closed' && m.type !== 'ping') return reply(err('closed'));
  const card = m.card_id ? w.cards.find((c) => c.id === m.card_id && (c.shown || c.author === conn.pid)) : null;
  const countAll = () => emit(w, 'cards.counted', all({ hidden_cards: hidden(w) }));
  switch (m.type) {
    case 'checkin.post':
      if (fac) return reply(err('forbidden'));
      if (w.phase !== 'checkin') return reply(err('wrong_phase'));
      w.checkins.push(String(m.text).trim()); done(ack());
      return emit(w, 'checkin.posted', all({ text: String(m.text).trim() }));
    case 'card.post': {
      if (fac) return reply(err('forbidden'));
      if (!['reflect', 'cluster'].includes(w.phase)) return reply(err('wrong_phase'));
      if (!m.nonce) return reply(err('bad_message', 'nonce is required'));
      const c = { id: rnd(9), kind: m.kind === 'intention' ? 'intention' : 'concern', text: String(m.text).trim(), intention: m.intention || null, column: null, cluster_id: null, position: w.cards.filter((x) => !x.column).length, author: conn.pid, shown: w.revealed };
      w.cards.push(c); done(ack({ card_id: c.id }));
      if (c.shown) emit(w, 'card.posted', (cc) => ({ card: visibleCard(w, c, cc) }));
      else { emit(w, 'card.posted', (cc) => (cc.pid === c.author ? { card: visibleCard(w, c, cc) } : null)); countAll(); }
      return;
    }
    case 'card.edit':
      if (!card) return reply(err('not_found'));
      if (card.author !== conn.pid) return reply(err('forbidden'));
      if (m.text) card.text = m.text.trim();
      if (m.intention !== undefined) card.intention = m.intention;
      done(ack());
      return emit(w, 'card.edited', (cc) => (card.shown || cc.pid === card.author ? { card: visibleCard(w, card, cc) } : null));
    case 'card.delete':
      if (!card) return reply(err('not_found'));
      if (!fac && card.author !== conn.pid) return reply(err('forbidden'));
      w.cards = w.cards.filter((x) => x !== card); done(ack());
      emit(w, 'card.deleted', (cc) => (card.shown || cc.pid === card.author ? { card_id: card.id } : null));
      if (!card.shown) countAll();
      return;
    case 'cards.reveal': {
      if (!fac) return reply(err('forbidden'));
      const authors = new Set(w.cards.map((c) => c.author));
      if (authors.size < w.settings.anonymity_threshold) return reply(err('anonymity_threshold', `needs ${w.settings.anonymity_threshold} participants with a card`));
      const newly = w.cards.filter((c) => !c.shown);
      newly.forEach((c) => { c.shown = true; });
      w.revealed = true; done(ack({ revealed: newly.length }));
      if (newly.length) {
        emit(w, 'cards.revealed', (cc) => ({ cards: w.cards.map((c) => { const { author, ...r } = c; return r; }).sort(() => Math.random() - 0.5) }));
        countAll();
      }
      return;
    }
    case 'card.move': {
      if (!fac) return reply(err('forbidden'));
      if (!card) return reply(err('not_found'));
      const from = [card.column, card.cluster_id];
      card.column = m.column ?? null; card.cluster_id = m.cluster_id ?? null;
      const grp = (col, cl) => w.cards.filter((c) => c !== card && (c.column ?? null) === (col ?? null) && (c.cluster_id ?? null) === (cl ?? null)).sort((a, b) => a.position - b.position);
      grp(from[0], from[1]).forEach((c, i) => { c.position = i; });
      const g = grp(card.column, card.cluster_id);
      const pos = typeof m.position === 'number' ? Math.min(m.position, g.length) : g.length;
      g.splice(pos, 0, card); g.forEach((c, i) => { c.position = i; });
      done(ack());
      return emit(w, 'card.moved', all({ card_id: card.id, column: card.column, cluster_id: card.cluster_id, position: card.position }));
    }
    case 'cluster.create': {
      if (!fac) return reply(err('forbidden'));
      const k = { id: rnd(9), column: m.column, title: String(m.title).trim(), position: w.clusters.filter((x) => x.column === m.column).length };
      w.clusters.push(k); done(ack({ cluster_id: k.id }));
      return emit(w, 'cluster.created', all({ cluster: k }));
    }
    case 'cluster.rename': {
      const k = w.clusters.find((x) => x.id === m.cluster_id);
      if (!k) return reply(err('not_found'));
      k.title = m.title; done(ack());
      return emit(w, 'cluster.renamed', all({ cluster_id: k.id, title: k.title }));
    }
    case 'cluster.delete': {
      const k = w.clusters.find((x) => x.id === m.cluster_id);
      if (!k) return reply(err('not_found'));
      w.clusters = w.clusters.filter((x) => x !== k);
      w.cards.forEach((c) => { if (c.cluster_id === k.id) c.cluster_id = null; });
      done(ack());
      return emit(w, 'cluster.deleted', all({ cluster_id: k.id }));
    }
    case 'phase.set': {
      if (!fac) return reply(err('forbidden'));
      const was = w.phase; w.phase = m.phase; done(ack());
      emit(w, 'phase.changed', all({ phase: m.phase }));
      if (was === 'vote' && m.phase !== 'vote') emit(w, 'votes.tallied', all({ per_target: tallies(w) }));
      return;
    }
    case 'prompt.set':
      if (!fac) return reply(err('forbidden'));
      w.prompt = m.text || ''; done(ack());
      return emit(w, 'prompt.changed', all({ text: w.prompt }));
    case 'vote.cast':
    case 'vote.retract': {
      if (fac) return reply(err('forbidden'));
      if (w.phase !== 'vote') return reply(err('wrong_phase'));
      const mine = w.votes[conn.pid] || (w.votes[conn.pid] = {});
      const used = Object.values(mine).reduce((a, b) => a + b, 0);
      if (m.type === 'vote.cast') {
        if (used >= w.settings.votes_per_participant) return reply(err('vote_limit'));
        mine[m.target_id] = (mine[m.target_id] || 0) + 1;
      } else {
        if (!mine[m.target_id]) return reply(err('not_found'));
        mine[m.target_id] -= 1; if (!mine[m.target_id]) delete mine[m.target_id];
      }
      const left = w.settings.votes_per_participant - Object.values(mine).reduce((a, b) => a + b, 0);
      done(ack({ left }));
      return emit(w, 'votes.changed', (cc) => (cc.role === 'facilitator' ? { per_target: tallies(w) } : null));
    }
    case 'agreement.add': {
      if (!fac) return reply(err('forbidden'));
      const a = { id: rnd(9), text: m.text, owner: m.owner ?? null, due: m.due ?? null, cluster_id: m.cluster_id ?? null };
      w.agreements.push(a); done(ack({ agreement_id: a.id }));
      return emit(w, 'agreement.added', all({ agreement: a }));
    }
    case 'agreement.update': {
      const a = w.agreements.find((x) => x.id === m.agreement_id);
      if (!a) return reply(err('not_found'));
      for (const k of ['text', 'owner', 'due', 'cluster_id']) if (k in m) a[k] = m[k];
      done(ack());
      return emit(w, 'agreement.updated', all({ agreement: a }));
    }
    case 'agreement.delete':
      w.agreements = w.agreements.filter((x) => x.id !== m.agreement_id); done(ack());
      return emit(w, 'agreement.deleted', all({ agreement_id: m.agreement_id }));
    case 'timer.start':
      w.timer = { ends_at: Date.now() + m.seconds * 1000, seconds: m.seconds }; done(ack());
      return emit(w, 'timer.started', all(w.timer));
    case 'timer.stop':
      w.timer = null; done(ack());
      return emit(w, 'timer.stopped', all({}));
    default:
      return reply(err('unknown_type', `unknown type ${m.type}`));
  }
}

server.listen(port, host, () => {
  process.stdout.write(`listening on http://${host}:${server.address().port}\n`);
});
const stop = () => {
  for (const set of conns.values()) for (const ws of set) ws.close(1001, 'shutdown');
  server.close(); setTimeout(() => process.exit(0), 100);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
