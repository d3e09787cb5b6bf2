// "Suggest sorting": ghost placements on the board (on the unsorted cards and
// as ghost themes in the columns); accept a theme, one card, all, and undo
// puts the cards back where they were.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, createWorkshop, postCard, setPhase, shot } from './helpers.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { if (browser) await browser.close(); if (server) await server.stop(); });

test('suggested placements can be accepted per theme, per card, all at once, and undone', async () => {
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
  // The suggested themes stand as ghosts in their columns, each unsorted
  // card's ghost in exactly one of them; nothing is placed yet.
  const ghostThemes = f.locator('.column:not(.unplaced) .ghost-theme');
  assert.ok(await ghostThemes.count() >= 1, 'at least one ghost theme');
  assert.equal(await f.locator('.ghost-theme .ghost-card').count(), ghosts);
  assert.equal(await f.locator('.column:not(.unplaced) .card').count(), 0);
  assert.equal(await f.locator('.column.unplaced .ghost-theme').count(), 0);
  await shot(f, 'facilitator-suggest-1920');

  // accept one theme: its cards become a real theme of that title
  const first = ghostThemes.first();
  const title = await first.locator('.theme-title').textContent();
  const inTheme = await first.locator('.ghost-card').count();
  await first.locator('.ghost-accept-theme').click();
  await f.waitForFunction(({ title, n }) => [...document.querySelectorAll('.theme:not(.ghost-theme)')]
    .some((k) => k.querySelector('.theme-title')?.textContent === title && k.querySelectorAll('.card').length === n),
  { title, n: inTheme });
  assert.equal(await f.locator('.column.unplaced .card').count(), 4 - inTheme);
  assert.equal(await f.locator('.ghost-theme .ghost-card').count(), ghosts - inTheme);

  // accept one card (if any is left)
  if (inTheme < ghosts) {
    await f.locator('.card .ghost-accept').first().click();
    await f.waitForFunction((n) => document.querySelectorAll('.column.unplaced .card').length === n, 4 - inTheme - 1);
  }
  // accept the rest
  if (await f.isVisible('#suggest-accept')) await f.click('#suggest-accept');
  await f.waitForFunction((n) => document.querySelectorAll('.column:not(.unplaced) .card').length >= n, ghosts);
  assert.equal(await f.locator('.ghost-tag').count(), 0);
  assert.equal(await f.locator('.ghost-theme').count(), 0);
  // everyone sees the result as ordinary moves
  await p.waitForFunction((n) => document.querySelectorAll('.column:not(.unplaced) .card').length >= n, ghosts);

  // undo the last apply
  await f.click('#suggest-undo');
  await f.waitForFunction(() => document.querySelectorAll('.column.unplaced .card').length >= 1);
  assert.deepEqual([...f.problems, ...p.problems], []);
});
