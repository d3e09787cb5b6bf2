// Shared by the browser tests: start the real server binary, launch Debian's
// Chromium through playwright-core, and a few small waiting helpers.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');
export const webRoot = path.join(repoRoot, 'client-web');
export const shotDir = path.join(repoRoot, 'build', 'screenshots');

// BRUG_BINARY is the real server. Without it (only while the server did not
// build yet) the tests can run against dev/mock-server.mjs with BRUG_MOCK=1.
function serverCommand() {
  if (process.env.BRUG_BINARY && !process.env.BRUG_MOCK) return [process.env.BRUG_BINARY, []];
  if (process.env.BRUG_MOCK) return [process.execPath, [path.join(here, 'dev', 'mock-server.mjs')]];
  throw new Error('set BRUG_BINARY to the brug server binary (make test-browser does)');
}

export function tmpDataDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'brug-browser-'));
}

// Start the server; resolves once it printed "listening on http://HOST:PORT".
export function startServer({ port = 0, dataDir = tmpDataDir(), extraArgs = [] } = {}) {
  const [cmd, pre] = serverCommand();
  const args = [...pre, '--host', '127.0.0.1', '--port', String(port), '--data', path.join(dataDir, 'brug.db'),
    '--web-root', webRoot, ...extraArgs];
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let errText = '';
  proc.stderr.on('data', (d) => { errText += d; if (errText.length > 20000) errText = errText.slice(-10000); });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`server did not start in 15 s\n${out}\n${errText}`)); }, 15000);
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited with ${code}\n${out}\n${errText}`)); });
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        proc.removeAllListeners('exit');
        const url = m[1].replace(/\/$/, '');
        resolve({
          url, port: Number(new URL(url).port), dataDir, proc,
          stderr: () => errText,
          stop: (signal = 'SIGTERM') => stopProc(proc, signal),
        });
      }
    });
  });
}

export function stopProc(proc, signal = 'SIGTERM') {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) { resolve(); return; }
    const t = setTimeout(() => { try { process.kill(proc.pid, 'SIGKILL'); } catch (_) { /* gone */ } }, 5000);
    proc.once('exit', () => { clearTimeout(t); resolve(); });
    try { process.kill(proc.pid, signal); } catch (_) { clearTimeout(t); resolve(); }
  });
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

// A page that records script errors, CSP violations and dialogs, so tests can
// assert that nothing unexpected ran.
export async function newPage(browser, { width = 1280, height = 800, name = 'page' } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true });
  const page = await context.newPage();
  page.problems = [];
  page.dialogs = [];
  page.on('pageerror', (e) => page.problems.push(`${name} pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) page.problems.push(`${name} csp: ${m.text()}`);
  });
  page.on('dialog', async (d) => {
    page.dialogs.push({ type: d.type(), message: d.message() });
    if (page.autoAnswer !== undefined && d.type() === 'prompt') await d.accept(page.autoAnswer);
    else if (d.type() === 'confirm') await d.accept();
    else await d.dismiss();
  });
  return page;
}

export async function createWorkshop(base, body) {
  const res = await fetch(`${base}/api/workshops`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`create: ${res.status} ${await res.text()}`);
  return res.json();
}

export async function shot(page, name) {
  fs.mkdirSync(shotDir, { recursive: true });
  const file = path.join(shotDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

export async function waitFor(fn, { timeout = 10000, interval = 100, what = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    try { last = await fn(); if (last) return last; } catch (e) { last = e; }
    await new Promise((r) => setTimeout(r, interval));
  }
  throw new Error(`timed out waiting for ${what} (last: ${last})`);
}

// Post a card through the real form, as a person would.
export async function postCard(page, text, { kind = 'concern', intention = '' } = {}) {
  await page.fill('#card-text', text);
  if (kind === 'intention') await page.check('#kind-intention');
  else if (intention) await page.fill('#card-intention', intention);
  await page.click('#card-submit');
}

export async function setPhase(fpage, phase) {
  await fpage.click(`.phase-btn[data-phase="${phase}"]`);
  await fpage.waitForSelector(`.phase-btn.current[data-phase="${phase}"]`);
}

// A raw protocol client (Node side, `ws`): the facilitator's welcome state,
// to check what the pages show against what the server holds.
export async function facilitatorState(base, code, key) {
  const { default: WebSocket } = await import('ws');
  const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/ws/${code}`);
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => { ws.terminate(); reject(new Error('no welcome')); }, 10000);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', protocol: 1, role: 'facilitator', facilitator_key: key })));
    ws.on('message', (buf) => {
      const msgs = [].concat(JSON.parse(String(buf)));
      const w = msgs.find((m) => m.type === 'welcome');
      if (w) { clearTimeout(t); ws.close(); resolve(w.state); }
    });
    ws.on('close', (c) => { clearTimeout(t); reject(new Error(`closed ${c}`)); });
    ws.on('error', reject);
  });
}

// A TCP proxy in front of the server, for one page. dropAfterNextFrame()
// forwards the page's next WebSocket frame to the server, then cuts the
// page's side at once and swallows the server's answer: the command is done
// on the server, but the page never hears back, as on a train entering a tunnel.
export async function startProxy(targetPort) {
  const net = await import('node:net');
  let armed = false;
  let wsBlocked = false;
  const sockets = new Set();
  const wsClients = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client); sockets.add(upstream);
    let isWs = null;
    let blackhole = false;
    client.on('data', (d) => {
      if (isWs === null) {
        isWs = d.toString('latin1', 0, 8).startsWith('GET /ws/');
        if (isWs) wsClients.add(client);
        if (isWs && wsBlocked) { client.destroy(); upstream.destroy(); return; }
      }
      upstream.write(d);
      if (armed && isWs && !d.toString('latin1', 0, 4).startsWith('GET ')) {
        armed = false;
        blackhole = true;
        client.destroy();
        setTimeout(() => upstream.destroy(), 1500);
      }
    });
    upstream.on('data', (d) => { if (!blackhole && !client.destroyed) client.write(d); });
    const close = () => { client.destroy(); if (!blackhole) upstream.destroy(); };
    client.on('error', close); upstream.on('error', close);
    client.on('close', () => { if (!blackhole) upstream.destroy(); sockets.delete(client); });
    upstream.on('close', () => { client.destroy(); sockets.delete(upstream); });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    dropAfterNextFrame: () => { armed = true; },
    // while blocked, WebSocket connections are cut and refused; plain HTTP passes
    blockWebSockets: (on) => {
      wsBlocked = on;
      if (on) for (const c of wsClients) c.destroy();
    },
    close: () => { for (const s of sockets) s.destroy(); return new Promise((r) => server.close(r)); },
  };
}
