// One WebSocket to /ws/{code}: hello → welcome, commands with req numbers,
// events in seq order, reconnect with backoff, and an outbox of commands
// that had no answer yet, resent with the same nonce after a reconnect.

import { nonce } from './dom.js';

const FATAL = new Set([4400, 4401, 4404, 4426]);
const NO_NONCE = new Set(['ping']);

export class Connection {
  constructor(code, hello, handlers) {
    this.code = code;
    this.hello = hello;          // function () → hello frame (token may change)
    this.h = handlers;           // onWelcome, onEvent, onPresence, onStatus, onFrame, onFatal
    this.ws = null;
    this.req = 0;
    this.outbox = new Map();     // req → {cmd, resolve, reject}
    this.seq = 0;
    this.ready = false;
    this.attempt = 0;
    this.stopped = false;
    this.timer = null;
    this.pingTimer = null;
    this.status = 'connecting';
  }

  url() {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${proto}//${location.host}/ws/${encodeURIComponent(this.code)}`;
  }

  setStatus(s, detail) {
    this.status = s;
    if (this.h.onStatus) this.h.onStatus(s, detail);
  }

  connect() {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.ready = false;
    let ws;
    try {
      ws = new WebSocket(this.url());
    } catch (e) {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.addEventListener('open', () => {
      ws.send(JSON.stringify(this.hello()));
    });
    ws.addEventListener('message', (ev) => {
      let msg;
      try { msg = JSON.parse(ev.data); } catch (_) { return; }
      const list = Array.isArray(msg) ? msg : [msg];
      for (const m of list) this.dispatch(m);
    });
    ws.addEventListener('close', (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.ready = false;
      clearInterval(this.pingTimer);
      if (this.stopped) return;
      if (FATAL.has(ev.code)) {
        this.stopped = true;
        this.setStatus('fatal', ev.code);
        if (this.h.onFatal) this.h.onFatal(ev.code, ev.reason);
        return;
      }
      this.scheduleReconnect();
    });
    ws.addEventListener('error', () => { /* close follows */ });
  }

  scheduleReconnect() {
    this.setStatus('reconnecting');
    this.attempt += 1;
    const base = Math.min(10000, 300 * 2 ** Math.min(this.attempt - 1, 6));
    const delay = base / 2 + Math.random() * base / 2;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), delay);
  }

  dispatch(m) {
    if (!m || typeof m !== 'object') return;
    if (this.h.onFrame) this.h.onFrame(m);
    switch (m.type) {
      case 'welcome':
        this.ready = true;
        this.attempt = 0;
        this.seq = typeof m.seq === 'number' ? m.seq : 0;
        if (this.h.onWelcome) this.h.onWelcome(m);
        this.setStatus('online');
        this.flush();
        clearInterval(this.pingTimer);
        this.pingTimer = setInterval(() => this.ping(), 25000);
        break;
      case 'event':
        if (typeof m.seq === 'number') {
          if (m.seq <= this.seq) return;
          this.seq = m.seq;
        }
        if (this.h.onEvent) this.h.onEvent(m.name, m.data || {}, m);
        break;
      case 'presence':
        if (this.h.onPresence) this.h.onPresence(m);
        break;
      case 'ack':
      case 'pong':
      case 'error': {
        const p = m.req != null ? this.outbox.get(m.req) : null;
        if (!p) {
          if (m.type === 'error' && this.h.onError) this.h.onError(m);
          return;
        }
        this.outbox.delete(m.req);
        if (this.h.onPending) this.h.onPending(this.pending());
        if (m.type === 'error') p.reject(Object.assign(new Error(m.message || m.code), { code: m.code, frame: m }));
        else p.resolve(m);
        break;
      }
      default:
        if (this.h.onOther) this.h.onOther(m);
    }
  }

  // Send a command; resolves with the ack, rejects with the error frame.
  send(type, fields = {}) {
    const cmd = { type, ...fields };
    if (!NO_NONCE.has(type) && !cmd.nonce) cmd.nonce = nonce();
    this.req += 1;
    cmd.req = this.req;
    return new Promise((resolve, reject) => {
      this.outbox.set(cmd.req, { cmd, resolve, reject });
      if (this.h.onPending) this.h.onPending(this.pending());
      if (this.ready && this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(cmd));
    });
  }

  // Commands without an answer yet (the changing ones) are resent after every welcome.
  flush() {
    for (const [req, p] of this.outbox) {
      if (p.cmd.type === 'ping') { this.outbox.delete(req); p.resolve({ type: 'pong', req }); continue; }
      if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(p.cmd));
    }
  }

  pending() {
    let n = 0;
    for (const p of this.outbox.values()) if (p.cmd.type !== 'ping') n += 1;
    return n;
  }

  pendingCommands() {
    return Array.from(this.outbox.values(), (p) => p.cmd);
  }

  ping() {
    if (!this.ready || !this.ws || this.ws.readyState !== WebSocket.OPEN) return;
    this.send('ping').catch(() => {});
  }

  close() {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.pingTimer);
    if (this.ws) this.ws.close(1000);
  }
}
