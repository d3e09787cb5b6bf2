// A server restart mid-session: every page shows a quiet reconnecting state,
// reconnects to the server started again on the same port and data file,
// and no card is lost, not even one posted while the server was down.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, createWorkshop, postCard, setPhase, tmpDataDir, shot, facilitatorState } from './helpers.mjs';

let server;
let browser;
const dataDir = tmpDataDir();
before(async () => { server = await startServer({ dataDir }); browser = await launch(); });
after(async () => { if (browser) await browser.close(); if (server) await server.stop(); });

test('all pages survive a server restart without losing a card', async () => {
  const ws = await createWorkshop(server.url, { title: 'Herstart', settings: { anonymity_threshold: 2 } });
  const f = await newPage(browser, { name: 'facilitator' });
  await f.goto(`${server.url}${ws.facilitator_url}`);
  await f.waitForSelector('.phasebar');
  await setPhase(f, 'reflect');
  const ps = [];
  for (let i = 0; i < 3; i += 1) {
    const p = await newPage(browser, { width: 390, height: 844, name: `p${i + 1}` });
    await p.goto(`${server.url}${ws.participant_url}`);
    await p.waitForSelector('#card-form');
    ps.push(p);
  }
  await postCard(ps[0], 'Kaartje één, voor de herstart');
  await postCard(ps[1], 'Kaartje twee, voor de herstart');
  await f.waitForFunction(() => document.querySelector('#count-hidden strong')?.textContent === '2');

  const port = server.port;
  await server.stop('SIGKILL');
  for (const p of [f, ...ps]) await p.waitForSelector('.conn.offline');
  assert.match(await ps[0].textContent('.conn'), /Verbinding herstellen/);
  await shot(ps[2], 'participant-reconnecting-390');

  // typed while the server is down: kept in the outbox, sent after reconnect
  await postCard(ps[2], 'Kaartje drie, geschreven tijdens de storing');
  await ps[2].waitForSelector('.mine-list .card.pending');

  server = await startServer({ port, dataDir });
  for (const p of [f, ...ps]) await p.waitForSelector('.conn.online', { state: 'attached', timeout: 20000 });
  await ps[2].waitForFunction(() => document.querySelectorAll('.mine-list .card.mine').length === 1
    && !document.querySelector('.mine-list .card.pending'), null, { timeout: 15000 });
  await f.waitForFunction(() => document.querySelector('#count-hidden strong')?.textContent === '3', null, { timeout: 15000 });
  for (let i = 0; i < 2; i += 1) {
    await ps[i].waitForFunction(() => document.querySelectorAll('.mine-list .card.mine').length === 1);
  }

  // and the session simply goes on
  await f.click('#reveal');
  await f.waitForFunction(() => document.querySelectorAll('#board .card').length === 3);
  const texts = await f.locator('#board .card .text').allTextContents();
  assert.deepEqual(texts.sort(), ['Kaartje drie, geschreven tijdens de storing', 'Kaartje twee, voor de herstart', 'Kaartje één, voor de herstart'].sort());
  for (const p of ps) await p.waitForFunction(() => document.querySelectorAll('#board .card').length === 3);
  // the server holds each card once: the resend after reconnect doubled nothing
  const state = await facilitatorState(server.url, ws.code, ws.facilitator_key);
  assert.equal(state.cards.length, 3);
  assert.deepEqual([f, ...ps].flatMap((p) => p.problems), []);
});
