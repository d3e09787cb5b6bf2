// One Brug behind nginx with deploy/nginx/brug.conf as shipped (only
// certificates, ports and the upstream address substituted): HTTPS and WSS
// through the proxy, headers not doubled, nginx's own errors in Brug's JSON
// shape, a shutdown that reaches the browser as 1001, and the
// brug-static.conf alternative serving the client while Brug is down.
//
//   BRUG_BINARY=build/brug node --test tests/deploy/single.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  Client, createWorkshop, headerCount, join, makeTmp, proxyInfo as proxy, request, requireBinaries,
  reserveProxyPorts, startBrug, startNginx, stop,
} from './lib.mjs';

let tmp;
let brug;
const nginxes = [];
// As deploy/systemd/brug.service runs it behind nginx, plus --limit-loopback
// so that 127.0.0.x can stand for clients elsewhere, and a small join budget.
const brugArgs = ['--trusted-proxy', '127.0.0.1', '--limit-loopback', '--join-failures', '3'];

before(async () => {
  requireBinaries();
  tmp = makeTmp('single');
  await reserveProxyPorts();
  brug = await startBrug({ name: 'brug', db: path.join(tmp, 'brug.db'), args: brugArgs });
});

after(async () => {
  await stop(brug?.proc);
  for (const n of nginxes) await stop(n, 'SIGQUIT');
  if (tmp && !process.env.KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
});

test('brug.conf: one server behind nginx', { timeout: 30000 }, async (t) => {
  nginxes.push(await startNginx({ tmp, site: 'deploy/nginx/brug.conf', upstreams: { '127.0.0.1:8080': `127.0.0.1:${brug.port}` } }));
  let w;

  await t.test('plain HTTP redirects to HTTPS', async () => {
    const r = await request('GET', '/', { port: proxy.httpPort, tls: false });
    assert.equal(r.status, 301);
    assert.equal(r.headers.location, 'https://127.0.0.1/');
  });

  await t.test('TLS 1.2 and 1.3 only', async () => {
    // The client allows every version (SECLEVEL=0), so a refusal is nginx's.
    for (const [flag, accepted] of [['-tls1', false], ['-tls1_1', false], ['-tls1_2', true], ['-tls1_3', true]]) {
      const r = spawnSync('openssl', ['s_client', '-connect', `127.0.0.1:${proxy.httpsPort}`, flag,
        '-cipher', 'DEFAULT:@SECLEVEL=0'], { input: '', encoding: 'utf8', timeout: 5000 });
      const out = r.stdout + r.stderr;
      assert.equal(/Cipher is (?!\(NONE\))/.test(out), accepted, `${flag}: ${out.slice(0, 300)}`);
    }
  });

  await t.test('pages carry Brug\'s security headers once, and HSTS from nginx', async () => {
    const r = await request('GET', '/');
    assert.equal(r.status, 200);
    for (const h of ['content-security-policy', 'x-content-type-options', 'referrer-policy', 'x-frame-options', 'strict-transport-security']) {
      assert.equal(headerCount(r, h), 1, `${h} sent ${headerCount(r, h)} times`);
    }
  });

  await t.test('a workshop runs over WebSocket through nginx', async () => {
    w = await createWorkshop('Nieuw CRM in het salesteam');
    const fac = await join(w.code, { role: 'facilitator', facilitator_key: w.facilitator_key });
    await fac.ok('phase.set', { phase: 'reflect' });
    const p = await join(w.code, { role: 'participant' });
    await p.ok('card.post', { kind: 'concern', text: 'Persoonlijk contact', nonce: 'n1' });
    assert.equal((await fac.ok('cards.reveal')).revealed, 1);
    await p.waitFor((m) => m.type === 'event' && m.name === 'cards.revealed', 'cards.revealed');
    w.live = [fac, p];
  });

  await t.test('Brug counts failed joins per client nginx names (X-Real-IP)', async () => {
    const hello = async (localAddress, key) => {
      const c = new Client(`wss://127.0.0.1:${proxy.httpsPort}/ws/${w.code}`, { localAddress });
      await c.open();
      c.ws.send(JSON.stringify({ type: 'hello', protocol: 1, role: 'facilitator', facilitator_key: key }));
      const m = await c.waitFor((x) => x.type === 'welcome' || x.type === '__closed', 'welcome or close');
      c.close();
      return m.type === 'welcome' ? 'welcome' : m.code;
    };
    for (let i = 0; i < 3; i++) assert.equal(await hello('127.0.0.3', 'wrong key'), 4401);
    assert.equal(await hello('127.0.0.3', w.facilitator_key), 4429);
    // Another client behind the same nginx keeps its own budget.
    assert.equal(await hello('127.0.0.4', w.facilitator_key), 'welcome');
  });

  await t.test('Brug sees the Host users typed: the QR link, the Origin check', async () => {
    const qr = await request('GET', `/api/workshops/${w.code}/qr.svg`);
    assert.equal(qr.status, 200, `qr.svg: ${qr.status} ${qr.text}`);
    assert.match(qr.headers['content-type'], /image\/svg\+xml/);
    // The joins above sent Origin https://127.0.0.1:PORT and were accepted
    // without --allowed-origin; a foreign page is refused through the proxy.
    const c = new Client(`wss://127.0.0.1:${proxy.httpsPort}/ws/${w.code}`, { origin: 'https://evil.example' });
    await assert.rejects(c.open(), (e) => e.status === 403);
  });

  await t.test('metrics answer on loopback; an oversized body is a JSON 413', async () => {
    assert.equal((await request('GET', '/metrics')).status, 200);
    const r = await request('POST', '/api/workshops', { body: JSON.stringify({ title: 'x'.repeat(70000) }) });
    assert.equal(r.status, 413);
    assert.equal(r.json?.error?.code, 'too_large');
  });

  await t.test('creating workshops is rate limited per address, loopback aside', async () => {
    // 127.0.0.2 is loopback to Linux but not one of the addresses the site
    // file leaves alone: it stands for a client elsewhere. burst=30 lets 31
    // through at once, then 429 in Brug's JSON shape.
    const answers = [];
    for (let i = 0; i < 40; i++) {
      answers.push(await request('POST', '/api/workshops', { body: { title: `Limiet ${i}` }, localAddress: '127.0.0.2' }));
    }
    const refused = answers.filter((r) => r.status === 429);
    const created = answers.filter((r) => r.status === 201);
    // One more slot frees every 2 s (30 a minute), so a slow machine lets a few more through.
    assert.equal(refused.length + created.length, answers.length);
    assert.ok(created.length >= 31 && refused.length >= 1, `${created.length} created, ${refused.length} refused`);
    assert.equal(refused[0].json?.error?.code, 'rate_limited');
    assert.ok(refused[0].headers['retry-after']);
    // 127.0.0.1 is not limited: scripts on the machine itself.
    assert.equal((await request('POST', '/api/workshops', { body: { title: 'Lokaal' } })).status, 201);
  });

  await t.test('Brug stopping reaches the browser as 1001; then nginx answers 503 JSON', async () => {
    await stop(brug.proc, 'SIGTERM');
    for (const c of w.live) {
      const closed = await c.waitFor((m) => m.type === '__closed', 'close on shutdown');
      assert.equal(closed.code, 1001);
    }
    const r = await request('GET', `/api/workshops/${w.code}/export`, { headers: { authorization: `Bearer ${w.facilitator_key}` } });
    assert.equal(r.status, 503);
    assert.equal(r.json?.error?.code, 'unavailable');
  });

  await t.test('with brug-static.conf, nginx serves the client while Brug is down', async () => {
    await reserveProxyPorts();
    nginxes.push(await startNginx({
      tmp, name: 'nginx-static', site: 'deploy/nginx/brug.conf', staticFiles: true,
      upstreams: { '127.0.0.1:8080': `127.0.0.1:${brug.port}` },
    }));
    for (const [p, type] of [[`/w/${w.code}`, /text\/html/], [`/f/${w.code}`, /text\/html/], ['/app.js', /javascript/]]) {
      const r = await request('GET', p);
      assert.equal(r.status, 200, `GET ${p}: ${r.status}`);
      assert.match(r.headers['content-type'], type);
      for (const h of ['content-security-policy', 'x-content-type-options', 'strict-transport-security']) {
        assert.equal(headerCount(r, h), 1, `${p}: ${h} sent ${headerCount(r, h)} times`);
      }
    }
    // What is not a file still goes to Brug, which is down.
    assert.equal((await request('GET', `/api/workshops/${w.code}/export`)).status, 503);
    // Brug back: the API answers again through the same nginx.
    brug = await startBrug({ name: 'brug', db: brug.db, port: brug.port, args: brugArgs });
    const r = await request('GET', `/api/workshops/${w.code}/export?format=json`, { headers: { authorization: `Bearer ${w.facilitator_key}` } });
    assert.ok(![404, 502, 503].includes(r.status), `export after restart: ${r.status} ${r.text}`);
  });
});
