// Shared by the deploy tests: brug servers and nginx on loopback under a
// temporary folder, an HTTPS client and a WebSocket client that trust only
// the test certificate. Nothing here needs root or touches a system service.

import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');
// `ws` lives in the browser tests' node_modules; ESM resolution ignores
// NODE_PATH, so it is loaded through a require rooted there.
export const WebSocket = createRequire(path.join(repoRoot, 'tests/browser/package.json'))('ws');

export const binary = path.resolve(repoRoot, process.env.BRUG_BINARY || 'build/brug');
export const nginxBinary = process.env.NGINX || '/usr/sbin/nginx';
export const CODE_RE = /^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{4}-[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{4}$/;

// Where the proxy is, once started: set by startNginx.
const proxy = { ca: null, httpsPort: 0, httpPort: 0, origin: '' };
export const proxyInfo = proxy;

// A temporary folder with a self-signed certificate for 127.0.0.1.
export function makeTmp(name) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `brug-${name}-`));
  fs.chmodSync(tmp, 0o755); // nginx workers run as nobody when the test runs as root
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', path.join(tmp, 'privkey.pem'), '-out', path.join(tmp, 'fullchain.pem')], { stdio: 'ignore' });
  proxy.ca = fs.readFileSync(path.join(tmp, 'fullchain.pem'));
  return tmp;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// Picks nginx's two ports (before the servers start, so that a restarted
// nginx or server can keep them).
export async function reserveProxyPorts() {
  proxy.httpsPort = await freePort();
  proxy.httpPort = await freePort();
  // What a browser on a page of the proxy sends. Brug accepts it by default
  // only if nginx passes the port on in Host, as the site files do.
  proxy.origin = `https://127.0.0.1:${proxy.httpsPort}`;
  return proxy;
}

// Starts brug; resolves { proc, port, stderr } once it printed
// "listening on http://HOST:PORT".
export function startBrug({ name, db, port = 0, args = [] }) {
  const all = ['--host', '127.0.0.1', '--port', String(port), '--data', db,
    '--web-root', path.join(repoRoot, 'client-web'), '--threads', '1', ...args];
  const proc = spawn(binary, all, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stderr.on('data', (d) => { err = (err + d).slice(-20000); });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`${name} did not start\n${out}${err}`)); }, 15000);
    proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${name} exited with ${code}\n${out}${err}`)); });
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /listening on http:\/\/[^\s:]+:(\d+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      proc.removeAllListeners('exit');
      resolve({ proc, port: Number(m[1]), db, stderr: () => err });
    });
  });
}

export function stop(proc, signal = 'SIGTERM') {
  return new Promise((resolve) => {
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return resolve();
    const t = setTimeout(() => { try { proc.kill('SIGKILL'); } catch { /* gone */ } }, 5000);
    proc.once('exit', () => { clearTimeout(t); resolve(); });
    proc.kill(signal);
  });
}

async function waitForPort(port, ms = 10000) {
  const end = Date.now() + ms;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`nothing listens on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Starts nginx on a site file of deploy/nginx/, turned into a test config by
// nginx_test_conf.py (certificates, ports and upstreams substituted; with
// `staticFiles`, the brug-static.conf alternative). Resolves its process.
export async function startNginx({ tmp, site, upstreams = {}, staticFiles = false, name = 'nginx' }) {
  const prefix = path.join(tmp, name);
  fs.mkdirSync(prefix);
  const conf = execFileSync('python3', [path.join(here, 'nginx_test_conf.py'),
    '--site', path.join(repoRoot, site), '--prefix', prefix,
    '--cert', path.join(tmp, 'fullchain.pem'), '--key', path.join(tmp, 'privkey.pem'),
    '--http-port', String(proxy.httpPort), '--https-port', String(proxy.httpsPort),
    ...Object.entries(upstreams).flatMap(([from, to]) => ['--upstream', `${from}=${to}`]),
    ...(staticFiles ? ['--static', '--web-root', path.join(repoRoot, 'client-web')] : [])],
  { encoding: 'utf8' }).trim();
  const proc = spawn(nginxBinary, ['-p', prefix, '-e', path.join(prefix, 'startup.log'), '-c', conf,
    '-g', 'daemon off;'], { stdio: ['ignore', 'inherit', 'inherit'] });
  proc.once('exit', (code) => {
    if (code) for (const f of ['startup.log', 'error.log']) {
      const p = path.join(prefix, f);
      if (fs.existsSync(p)) console.error(fs.readFileSync(p, 'utf8'));
    }
  });
  await waitForPort(proxy.httpsPort);
  return proc;
}

// One request; resolves { status, headers, rawHeaders, text, json }. By
// default to nginx's HTTPS port; `port` and `tls: false` for a server's own
// port or nginx's plain HTTP; `localAddress` to come from another loopback
// address than 127.0.0.1.
export function request(method, urlPath, { body, headers = {}, port = proxy.httpsPort, tls = port === proxy.httpsPort, localAddress } = {}) {
  const mod = tls ? https : http;
  const data = body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = mod.request({
      host: '127.0.0.1', port, method, path: urlPath, ca: proxy.ca, agent: false, localAddress,
      headers: { ...(data !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {}), ...headers },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        let json;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, headers: res.headers, rawHeaders: res.rawHeaders, text, json });
      });
    });
    req.on('error', reject);
    req.setTimeout(10000, () => req.destroy(new Error(`${method} ${urlPath}: timeout`)));
    if (data !== undefined) req.write(data);
    req.end();
  });
}

// How many times a response carries header `name` (node folds repeats).
export function headerCount(res, name) {
  let n = 0;
  for (let i = 0; i < res.rawHeaders.length; i += 2) if (res.rawHeaders[i].toLowerCase() === name) n++;
  return n;
}

export async function createWorkshop(title) {
  const r = await request('POST', '/api/workshops', {
    body: { title, language: 'en', settings: { anonymity_threshold: 1 } },
  });
  assert.equal(r.status, 201, `create: ${r.status} ${r.text}`);
  assert.match(r.json.code, CODE_RE);
  return r.json;
}

// A WebSocket client that keeps every message (batched arrays flattened) and
// can wait for one.
export class Client {
  constructor(url, opts = {}) {
    this.messages = [];
    this.waiters = [];
    this.closed = null;
    this.nextReq = 1;
    this.ws = new WebSocket(url, { ca: proxy.ca, origin: proxy.origin, handshakeTimeout: 5000, ...opts });
    this.ws.on('message', (data) => {
      const parsed = JSON.parse(String(data));
      for (const m of Array.isArray(parsed) ? parsed : [parsed]) this.push(m);
    });
    this.ws.on('close', (code) => { this.closed = { code }; this.push({ type: '__closed', code }); });
    this.ws.on('error', () => { /* reported through close or open() */ });
  }

  open() {
    return new Promise((resolve, reject) => {
      this.ws.once('open', resolve);
      this.ws.once('unexpected-response', (_req, res) => {
        let text = '';
        res.on('data', (d) => { text += d; });
        res.on('end', () => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode, text })));
      });
      this.ws.once('error', reject);
    });
  }

  push(m) {
    this.messages.push(m);
    for (const w of [...this.waiters]) {
      if (w.pred(m)) { this.waiters.splice(this.waiters.indexOf(w), 1); clearTimeout(w.timer); w.resolve(m); }
    }
  }

  // Resolves with the first message, already received or to come, that
  // matches; rejects after `ms`.
  waitFor(pred, what, ms = 5000) {
    const seen = this.messages.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const w = { pred, resolve };
      w.timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages.slice(-5))}`));
      }, ms);
      this.waiters.push(w);
    });
  }

  // Sends a command and resolves with its answer (ack, error or pong).
  async send(type, fields = {}) {
    const req = this.nextReq++;
    this.ws.send(JSON.stringify({ type, req, ...fields }));
    return this.waitFor((m) => m.req === req && ['ack', 'error', 'pong'].includes(m.type), `answer to ${type}`);
  }

  async ok(type, fields = {}) {
    const a = await this.send(type, fields);
    assert.equal(a.type, type === 'ping' ? 'pong' : 'ack', `${type}: ${JSON.stringify(a)}`);
    return a;
  }

  close() { try { this.ws.close(); } catch { /* closed */ } }
}

// Opens /ws/{code} through nginx and says hello; resolves the client with
// its `welcome`.
export async function join(code, hello, { path: wsPath } = {}) {
  const c = new Client(`wss://127.0.0.1:${proxy.httpsPort}${wsPath || `/ws/${code}`}`);
  await c.open();
  c.ws.send(JSON.stringify({ type: 'hello', protocol: 1, ...hello }));
  c.welcome = await c.waitFor((m) => m.type === 'welcome' || m.type === '__closed', 'welcome');
  assert.equal(c.welcome.type, 'welcome', `hello to ${code}: closed with ${c.welcome.code}`);
  return c;
}

export function requireBinaries() {
  for (const [what, file] of [['brug', binary], ['nginx', nginxBinary]]) {
    if (!fs.existsSync(file)) throw new Error(`${what} not found at ${file}`);
  }
}

export function brugHelp() {
  return execFileSync(binary, ['--help'], { encoding: 'utf8' });
}
