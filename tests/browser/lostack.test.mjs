// A command whose answer is lost: the card reaches the server, the
// connection drops before the ack comes back. The page reconnects, resends
// the same card.post with the same nonce, and the card exists exactly once.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startProxy, launch, newPage, createWorkshop, postCard, setPhase, facilitatorState } from './helpers.mjs';

let server;
let browser;
let proxy;
before(async () => { server = await startServer(); browser = await launch(); proxy = await startProxy(server.port); });
after(async () => { if (browser) await browser.close(); if (proxy) await proxy.close(); if (server) await server.stop(); });

test('a card whose ack was lost is resent with its nonce and not doubled', async () => {
  const ws = await createWorkshop(server.url, { title: 'Tunnel', settings: { anonymity_threshold: 1 } });
  const f = await newPage(browser, { name: 'facilitator' });
  await f.goto(`${server.url}${ws.facilitator_url}`);
  await f.waitForSelector('.phasebar');
  await setPhase(f, 'reflect');

  const p = await newPage(browser, { width: 390, height: 844, name: 'participant' });
  await p.goto(`${proxy.url}${ws.participant_url}`);
  await p.waitForSelector('#card-form');
  await p.waitForSelector('.conn.online', { state: 'attached' });

  proxy.dropAfterNextFrame();
  await postCard(p, 'Verstuurd vlak voor de tunnel');
  await p.waitForSelector('.conn.offline');
  await p.waitForSelector('.conn.online', { state: 'attached', timeout: 20000 });
  await p.waitForFunction(() => document.querySelectorAll('.mine-list .card.mine').length === 1
    && !document.querySelector('.mine-list .card.pending'), null, { timeout: 15000 });
  await postCard(p, 'En nog een, na de tunnel');
  await p.waitForFunction(() => document.querySelectorAll('.mine-list .card.mine').length === 2);
  await f.waitForFunction(() => document.querySelector('#count-hidden strong')?.textContent === '2');

  await f.click('#reveal');
  await f.waitForFunction(() => document.querySelectorAll('#board .card').length === 2);
  const state = await facilitatorState(server.url, ws.code, ws.facilitator_key);
  assert.deepEqual(state.cards.map((c) => c.text).sort(), ['En nog een, na de tunnel', 'Verstuurd vlak voor de tunnel']);
  assert.deepEqual([...f.problems, ...p.problems], []);
});

test('a card typed while offline survives a reload of the page and is posted once', async () => {
  const ws = await createWorkshop(server.url, { title: 'Offline', settings: { anonymity_threshold: 1 } });
  const f = await newPage(browser, { name: 'facilitator' });
  await f.goto(`${server.url}${ws.facilitator_url}`);
  await f.waitForSelector('.phasebar');
  await setPhase(f, 'reflect');

  const p = await newPage(browser, { width: 390, height: 844, name: 'participant' });
  await p.goto(`${proxy.url}${ws.participant_url}`);
  await p.waitForSelector('#card-form');
  await p.waitForSelector('.conn.online', { state: 'attached' });

  proxy.blockWebSockets(true);
  await p.waitForSelector('.conn.offline');
  await postCard(p, 'Getypt zonder verbinding');
  await p.waitForSelector('.mine-list .card.pending');
  await p.reload();
  // the page is not blank without a connection, and the card waits in the outbox
  await p.waitForSelector('.conn.offline');
  assert.match(await p.textContent('.conn'), /Verbind/);
  assert.match(await p.evaluate((c) => localStorage.getItem(`brug.outbox.${c}`), ws.code), /Getypt zonder verbinding/);
  proxy.blockWebSockets(false);
  await p.waitForFunction(() => document.querySelectorAll('.mine-list .card.mine').length === 1
    && !document.querySelector('.mine-list .card.pending'), null, { timeout: 20000 });
  await f.waitForFunction(() => document.querySelector('#count-hidden strong')?.textContent === '1');
  // and once more after another reload: still one card, nothing left to send
  await p.reload();
  await p.waitForFunction(() => document.querySelectorAll('.mine-list .card.mine').length === 1);
  assert.equal(await p.evaluate((c) => localStorage.getItem(`brug.outbox.${c}`), ws.code), null);
  const state = await facilitatorState(server.url, ws.code, ws.facilitator_key);
  assert.equal(state.hidden_cards, 1);
  assert.deepEqual([...f.problems, ...p.problems], []);
});
