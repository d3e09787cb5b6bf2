// "Suggest sorting": ghost placements on the board; accept one, accept all,
// and undo puts the cards back where they were.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, createWorkshop, postCard, setPhase, shot } from './helpers.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { if (browser) await browser.close(); if (server) await server.stop(); });

test('suggested placements can be accepted per card, all at once, and undone', async () => {
  const ws = await createWorkshop(server.url, { title: 'Koen en Mark', settings: { anonymity_threshold: 1 } });
  const f = await newPage(browser, { width: 1920, height: 1080, name: 'facilitator' });
  await f.goto(`${server.url}${ws.facilitator_url}`);
  await f.waitForSelector('.phasebar');
  await setPhase(f, 'reflect');
  const p = await newPage(browser, { width: 390, height: 844, name: 'participant' });
  await p.goto(`${server.url}${ws.participant_url}`);
  await p.waitForSelector('#card-form');
  const texts = [
    'Ik wil het persoonlijke contact met mijn klanten houden',
    'Het nieuwe CRM kost me veel tijd om te leren',
    'We moeten klantgegevens beter delen in het team',
    'Onze vaste klanten waarderen het telefoontje van mij',
  ];
  for (const t of texts) await postCard(p, t);
  await f.waitForFunction(() => document.querySelector('#count-hidden strong')?.textContent === '4');
  await f.click('#reveal');
  await setPhase(f, 'cluster');
  await f.waitForFunction(() => document.querySelectorAll('.column.unplaced .card').length === 4);

  await f.click('#suggest-ask');
  await f.waitForSelector('.card .ghost-tag', { timeout: 10000 });
  const ghosts = await f.locator('.card .ghost-tag').count();
  assert.ok(ghosts >= 1, 'at least one ghost placement');
  await shot(f, 'facilitator-suggest-1920');

  // accept one card
  await f.locator('.card .ghost-accept').first().click();
  await f.waitForFunction((n) => document.querySelectorAll('.column.unplaced .card').length === 4 - 1 || n === 0, ghosts);
  // accept the rest
  if (await f.isVisible('#suggest-accept')) await f.click('#suggest-accept');
  await f.waitForFunction((n) => document.querySelectorAll('.column:not(.unplaced) .card').length >= n, ghosts);
  assert.equal(await f.locator('.ghost-tag').count(), 0);
  // everyone sees the result as ordinary moves
  await p.waitForFunction((n) => document.querySelectorAll('.column:not(.unplaced) .card').length >= n, ghosts);

  // undo the last apply
  await f.click('#suggest-undo');
  await f.waitForFunction(() => document.querySelectorAll('.column.unplaced .card').length >= 1);
  assert.deepEqual([...f.problems, ...p.problems], []);
});
