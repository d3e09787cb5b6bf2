// Three Brug shards behind nginx, for real: deploy/nginx/brug-sharded.conf as
// shipped (only certificates, ports and upstream addresses substituted, by
// nginx_test_conf.py), nginx run as the current user under a temporary
// prefix, three brug servers on loopback, HTTPS and WSS through the proxy.
//
//   BRUG_BINARY=build/brug node --test tests/deploy/sharding.test.mjs
//
// What it proves, in order:
//   1. 30 workshops created through nginx spread over the three servers, each
//      code on the server that owns its first letter (by each server's
//      /metrics and by asking each server directly: its own codes answer,
//      the others' are refused with 421 misdirected);
//   2. every workshop-scoped path reaches its shard through nginx, in any
//      case and with or without the dash;
//   3. a workshop runs through the proxy over WebSocket on each shard:
//      facilitator and participants, hello, card.post, cards.reveal;
//   4. one server killed (SIGKILL): the other shards' workshops go on, live
//      connections and new ones; its own give a clear 503 JSON error through
//      nginx; new workshops still get created, on the other shards;
//   5. the server restarted on its database: its workshops are back, cards,
//      reveal and participants' tokens included.
// Needs: nginx, openssl, python3, and `ws` from tests/browser/node_modules
// (see lib.mjs).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  Client, brugHelp, createWorkshop, join, makeTmp, proxyInfo as proxy, request, requireBinaries,
  reserveProxyPorts, startBrug, startNginx, stop,
} from './lib.mjs';

// The shards as in deploy/nginx/brug-sharded.conf and deploy/compose.yaml.
const SHARDS = [
  { name: 'a', host: 'brug-a:8080', letters: 'ABCDEFGHJK' },
  { name: 'b', host: 'brug-b:8080', letters: 'MNPQRSTUVW' },
  { name: 'c', host: 'brug-c:8080', letters: 'XYZ23456789' },
];
const shardOf = (code) => SHARDS.find((s) => s.letters.includes(code[0].toUpperCase()));

let tmp;
let nginx;
const servers = {}; // shard name -> { proc, port, db, stderr }

async function startShard(shard, port = 0) {
  servers[shard.name] = await startBrug({
    name: `shard ${shard.name}`, db: path.join(tmp, `shard-${shard.name}.db`), port,
    args: ['--shard', shard.name, '--shard-prefixes', shard.letters],
  });
  return servers[shard.name];
}

async function metricCreated(port) {
  const r = await request('GET', '/metrics', { port, tls: false });
  assert.equal(r.status, 200);
  const m = /^brug_workshops_created_total (\d+)/m.exec(r.text);
  assert.ok(m, 'brug_workshops_created_total in /metrics');
  return Number(m[1]);
}

// ---- setup and teardown ----------------------------------------------------

before(async () => {
  requireBinaries();
  if (!/^\s*--shard\s/m.test(brugHelp())) throw new Error('this brug has no --shard option yet (deploy/shard-plan.md)');
  tmp = makeTmp('shards');
  await reserveProxyPorts();
  await Promise.all(SHARDS.map((s) => startShard(s)));
  nginx = await startNginx({
    tmp, site: 'deploy/nginx/brug-sharded.conf',
    upstreams: Object.fromEntries(SHARDS.map((s) => [s.host, `127.0.0.1:${servers[s.name].port}`])),
  });
});

after(async () => {
  await Promise.all(Object.values(servers).map((s) => stop(s.proc)));
  await stop(nginx, 'SIGQUIT');
  if (tmp && !process.env.KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
  else if (tmp) console.log(`kept ${tmp}`);
});

// ---- the test --------------------------------------------------------------

test('three shards behind nginx', { timeout: 50000 }, async (t) => {
  const workshops = []; // { code, key, shard }

  await t.test('plain HTTP redirects to HTTPS', async () => {
    const r = await request('GET', '/w/ABCD-EFGH', { port: proxy.httpPort, tls: false });
    assert.equal(r.status, 301);
    assert.equal(r.headers.location, 'https://127.0.0.1/w/ABCD-EFGH');
  });

  await t.test('30 workshops created through nginx spread over the three servers', async (t) => {
    const before = {};
    for (const s of SHARDS) before[s.name] = await metricCreated(servers[s.name].port);
    for (let i = 0; i < 30; i++) {
      const w = await createWorkshop(`Werkplaats ${i + 1}`);
      workshops.push({ code: w.code, key: w.facilitator_key, shard: shardOf(w.code).name });
    }
    const byShard = Object.fromEntries(SHARDS.map((s) => [s.name, workshops.filter((w) => w.shard === s.name)]));
    // Round robin over three servers: ten each, give or take nginx skipping a
    // server it briefly thought busy.
    for (const s of SHARDS) {
      assert.ok(byShard[s.name].length >= 5, `shard ${s.name} got ${byShard[s.name].length} of 30`);
      const created = (await metricCreated(servers[s.name].port)) - before[s.name];
      assert.equal(created, byShard[s.name].length, `shard ${s.name}: /metrics counts its own letters' workshops`);
    }
    assert.equal(new Set(workshops.map((w) => w.code)).size, 30);
    t.diagnostic(`spread: ${SHARDS.map((s) => `${s.name}=${byShard[s.name].length}`).join(' ')}`);
  });

  await t.test('each server answers for its own codes and refuses the others with 421', async () => {
    for (const w of workshops) {
      for (const s of SHARDS) {
        const r = await request('GET', `/api/workshops/${w.code}/export?format=json`,
          { port: servers[s.name].port, tls: false, headers: { authorization: `Bearer ${w.key}` } });
        if (s.name === w.shard) {
          assert.ok(![404, 421].includes(r.status), `${w.code} on its own shard ${s.name}: ${r.status} ${r.text}`);
        } else {
          assert.equal(r.status, 421, `${w.code} on shard ${s.name}: ${r.status} ${r.text}`);
          assert.equal(r.json?.error?.code, 'misdirected');
        }
      }
    }
    // A WebSocket to the wrong server is refused at the upgrade.
    const w = workshops.find((x) => x.shard === 'a');
    const c = new Client(`ws://127.0.0.1:${servers.b.port}/ws/${w.code}`);
    await assert.rejects(c.open(), (e) => e.status === 421);
  });

  await t.test('every workshop path reaches its shard through nginx, any case, dash or not', async () => {
    for (const w of workshops) {
      const variants = [w.code, w.code.toLowerCase(), w.code.replace('-', ''), w.code.toLowerCase().replace('-', '')];
      for (const v of variants) {
        const r = await request('GET', `/api/workshops/${v}/export?format=json`, { headers: { authorization: `Bearer ${w.key}` } });
        assert.ok(![404, 421, 502, 503].includes(r.status), `export ${v}: ${r.status} ${r.text}`);
      }
      for (const p of [`/w/${w.code}`, `/f/${w.code.toLowerCase()}`]) {
        const r = await request('GET', p);
        assert.equal(r.status, 200, `GET ${p}: ${r.status}`);
        assert.match(r.headers['content-type'], /text\/html/);
      }
    }
    const qr = workshops[0];
    const r = await request('GET', `/api/workshops/${qr.code}/qr.svg`);
    assert.ok(![421, 502, 503].includes(r.status), `qr.svg: ${r.status}`);
    for (const p of ['/', '/healthz']) assert.equal((await request('GET', p)).status, 200, p);
  });

  await t.test('a workshop started from an earlier one is made on the earlier one\'s shard', async () => {
    for (const s of SHARDS) {
      const src = workshops.find((w) => w.shard === s.name);
      const body = { title: `Opnieuw ${s.name}`, from: { code: src.code, facilitator_key: src.key } };
      // Named in the query too, nginx routes it to the shard that holds it,
      // every time (round robin would miss two times in three).
      for (let i = 0; i < 3; i++) {
        const r = await request('POST', `/api/workshops?from=${encodeURIComponent(src.code.toLowerCase())}`, { body });
        assert.equal(r.status, 201, `create from ${src.code}: ${r.status} ${r.text}`);
        assert.equal(shardOf(r.json.code).name, s.name, `${r.json.code} made from ${src.code}`);
      }
      // Sent straight to a server that does not hold it: 421, not 404.
      const other = SHARDS.find((x) => x.name !== s.name);
      const r = await request('POST', '/api/workshops', { port: servers[other.name].port, tls: false, body });
      assert.equal(r.status, 421, `from ${src.code} on shard ${other.name}: ${r.status} ${r.text}`);
      assert.equal(r.json?.error?.code, 'misdirected');
    }
  });

  await t.test('nginx answers its own errors in Brug\'s JSON shape', async () => {
    const r = await request('POST', '/api/workshops', { body: JSON.stringify({ title: 'x'.repeat(70000) }) });
    assert.equal(r.status, 413);
    assert.equal(r.json?.error?.code, 'too_large');
  });

  // One workshop per shard, run through the proxy; kept open across the kill.
  const live = {}; // shard -> { w, fac, p1, p2 }

  await t.test('a workshop runs over WebSocket through nginx on every shard', async () => {
    for (const s of SHARDS) {
      const w = workshops.find((x) => x.shard === s.name);
      const fac = await join(w.code, { role: 'facilitator', facilitator_key: w.key });
      await fac.ok('phase.set', { phase: 'reflect' });
      // The second participant uses the code in lower case without the dash.
      const p1 = await join(w.code, { role: 'participant' });
      const p2 = await join(w.code, { role: 'participant' }, { path: `/ws/${w.code.toLowerCase().replace('-', '')}` });
      assert.ok(p1.welcome.participant_token && p2.welcome.participant_token);
      const a1 = await p1.ok('card.post', { kind: 'concern', text: `Persoonlijk contact (${s.name})`, intention: 'Klanten kennen', nonce: `n1-${s.name}` });
      const a2 = await p2.ok('card.post', { kind: 'intention', text: `Samen leren (${s.name})`, nonce: `n2-${s.name}` });
      assert.ok(a1.card_id && a2.card_id);
      await fac.waitFor((m) => m.type === 'event' && m.name === 'cards.counted' && m.data.hidden_cards === 2, 'cards.counted 2');
      const rev = await fac.ok('cards.reveal');
      assert.equal(rev.revealed, 2);
      for (const c of [fac, p1, p2]) {
        const e = await c.waitFor((m) => m.type === 'event' && m.name === 'cards.revealed', 'cards.revealed');
        assert.equal(e.data.cards.length, 2);
      }
      live[s.name] = { w, fac, p1, p2, cards: [a1.card_id, a2.card_id] };
    }
  });

  const down = 'b';
  const downCodes = () => workshops.filter((w) => w.shard === down);

  // What the down shard's workshops hold before the kill, by their exports.
  const exportJson = async (w) => {
    const r = await request('GET', `/api/workshops/${w.code}/export?format=json`, { headers: { authorization: `Bearer ${w.key}` } });
    assert.ok(![404, 421, 502, 503].includes(r.status), `export ${w.code}: ${r.status} ${r.text}`);
    return r.status === 200 ? r.json : null; // null: a server without exports yet
  };
  const cardsOf = (j) => JSON.stringify([...j.cards].sort((x, y) => (x.id < y.id ? -1 : 1)));
  const beforeKill = new Map();

  await t.test('a killed server: the other shards go on, its workshops answer 503', async () => {
    for (const w of downCodes()) beforeKill.set(w.code, await exportJson(w));
    await stop(servers[down].proc, 'SIGKILL');
    // Its connections drop (the client reconnects, in real life).
    for (const c of [live[down].fac, live[down].p1]) await c.waitFor((m) => m.type === '__closed', 'close after the kill');

    // The others: live connections carry on, new ones join.
    for (const s of SHARDS.filter((x) => x.name !== down)) {
      const { w, fac, p1 } = live[s.name];
      assert.equal(fac.closed, null, `shard ${s.name}: facilitator still connected`);
      const a = await p1.ok('card.post', { kind: 'concern', text: 'Na de storing', nonce: `n3-${s.name}` });
      await fac.waitFor((m) => m.type === 'event' && m.name === 'card.posted' && m.data.card.id === a.card_id, 'card.posted after the kill');
      const p3 = await join(w.code, { role: 'participant' });
      assert.equal(p3.welcome.state.cards.length, 3);
      p3.close();
      live[s.name].cards.push(a.card_id);
    }

    // Its own: a clear error, for the API, the pages and the WebSocket.
    for (const w of downCodes()) {
      const r = await request('GET', `/api/workshops/${w.code}/export`, { headers: { authorization: `Bearer ${w.key}` } });
      assert.equal(r.status, 503, `${w.code}: ${r.status} ${r.text}`);
      assert.equal(r.json?.error?.code, 'unavailable');
      assert.ok(r.headers['retry-after']);
    }
    const r = await request('GET', `/w/${downCodes()[0].code}`);
    assert.equal(r.status, 503);
    const c = new Client(`wss://127.0.0.1:${proxy.httpsPort}/ws/${downCodes()[0].code}`);
    await assert.rejects(c.open(), (e) => e.status === 503 && JSON.parse(e.text).error.code === 'unavailable');

    // Workshops are still created, on the servers that are up.
    for (let i = 0; i < 6; i++) {
      const w = await createWorkshop(`Tijdens de storing ${i + 1}`);
      assert.notEqual(shardOf(w.code).name, down, `${w.code} was made by the dead shard?`);
    }
  });

  await t.test('restarted on its database, the server has its workshops back, nothing lost', async (t) => {
    await startShard(SHARDS.find((s) => s.name === down), servers[down].port);
    let compared = 0;
    for (const w of downCodes()) {
      const now = await exportJson(w);
      const then = beforeKill.get(w.code);
      if (!now || !then) continue;
      assert.equal(cardsOf(now), cardsOf(then), `${w.code}: the same cards after the restart`);
      compared++;
    }
    t.diagnostic(`${compared} of ${downCodes().length} exports of shard ${down} identical after the restart`);
    const { w, p1, cards } = live[down];
    const fac = await join(w.code, { role: 'facilitator', facilitator_key: w.key });
    const st = fac.welcome.state;
    assert.equal(st.revealed, true);
    assert.equal(st.phase, 'reflect');
    assert.deepEqual(st.cards.map((c) => c.id).sort(), [...cards].sort());
    // The change counter continues where it was: no acknowledged change lost.
    const lastSeq = Math.max(...live[down].fac.messages.filter((m) => m.type === 'event').map((m) => m.seq));
    assert.ok(fac.welcome.seq >= lastSeq, `seq ${fac.welcome.seq} after the restart, ${lastSeq} before`);
    // A participant comes back with its token and finds its own card.
    const again = await join(w.code, { role: 'participant', participant_token: p1.welcome.participant_token });
    const mine = again.welcome.state.cards.filter((c) => c.mine);
    assert.deepEqual(mine.map((c) => c.id), [cards[0]]);
    // And the workshop goes on.
    await again.ok('card.post', { kind: 'concern', text: 'Weer terug', nonce: `n4-${down}` });
    await fac.waitFor((m) => m.type === 'event' && m.name === 'card.posted', 'card.posted after the restart');
    for (const c of [fac, again]) c.close();
  });

  for (const l of Object.values(live)) for (const c of [l.fac, l.p1, l.p2]) c.close();
});
