// "Suggest sorting": ghost placements on the board (on the unsorted cards and
// as ghost themes in the columns); accept a theme, one card, all, and undo
// puts the cards back where they were.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, createWorkshop, postCard, setPhase, shot, facilitatorState } from './helpers.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { if (browser) await browser.close(); if (server) await server.stop(); });

const texts = [
  'Ik wil het persoonlijke contact met mijn klanten houden',
  'Het nieuwe CRM kost me veel tijd om te leren',
  'We moeten klantgegevens beter delen',
  'Onze vaste klanten waarderen het telefoontje van mij',
];

// A facilitator in the sorting phase with `texts` posted by a participant
// and revealed, all still unsorted.
async function sortingBoard() {
  const ws = await createWorkshop(server.url, { title: 'Koen en Mark', settings: { anonymity_threshold: 1 } });
  const f = await newPage(browser, { width: 1920, height: 1080, name: 'facilitator' });
  // The frames the page receives, to compare the board with the server's word.
  f.received = [];
  f.on('websocket', (sock) => sock.on('framereceived', ({ payload }) => {
    try { f.received.push(...[].concat(JSON.parse(String(payload)))); } catch (_) { /* not JSON */ }
  }));
  await f.goto(`${server.url}${ws.facilitator_url}`);
  await f.waitForSelector('.phasebar');
  await setPhase(f, 'reflect');
  const p = await newPage(browser, { width: 390, height: 844, name: 'participant' });
  await p.goto(`${server.url}${ws.participant_url}`);
  await p.waitForSelector('#card-form');
  for (const t of texts) await postCard(p, t);
  await f.waitForFunction((n) => document.querySelector('#count-hidden strong')?.textContent === String(n), texts.length);
  await f.click('#reveal');
  await setPhase(f, 'cluster');
  await f.waitForFunction((n) => document.querySelectorAll('.column.unplaced .card').length === n, texts.length);
  return { f, p, ws };
}

test('suggested placements can be accepted per theme, per card, all at once, and undone', async () => {
  const { f, p, ws } = await sortingBoard();

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
  // Each ghost theme lists its cards in the server's order (the cards most
  // typical of the theme first).
  const frame = f.received.find((m) => m.type === 'suggestions');
  assert.ok(frame, 'the suggestions frame');
  const state = await facilitatorState(server.url, ws.code, ws.facilitator_key);
  const textOf = new Map(state.cards.map((c) => [c.id, c.text]));
  for (const th of frame.themes.filter((x) => !x.cluster_id)) {
    const ghost = f.locator('.ghost-theme').filter({ has: f.locator('.theme-title', { hasText: th.title }) }).first();
    assert.deepEqual(await ghost.locator('.ghost-text').allTextContents(), th.card_ids.map((id) => textOf.get(id)));
  }
  // The suggestions the server is unsure of (confidence below 0.7) are
  // marked, on the card and in its ghost theme, and counted; the others not.
  const unsure = frame.cards.filter((sc) => sc.confidence < 0.7).map((sc) => textOf.get(sc.card_id));
  assert.ok(unsure.length >= 1 && unsure.length < texts.length, `some but not all unsure: ${JSON.stringify(frame.cards)}`);
  const marked = async (sel) => (await f.locator(sel).allTextContents()).sort();
  assert.deepEqual(await marked('.ghost-card.unsure .ghost-text'), [...unsure].sort());
  assert.equal(await f.locator('.ghost-card .ghost-unsure').count(), unsure.length);
  for (const text of texts) {
    const card = f.locator('.column.unplaced .card', { hasText: text });
    assert.equal(await card.locator('.ghost-tag.unsure .ghost-unsure').count(), unsure.includes(text) ? 1 : 0, text);
  }
  assert.match(await f.locator('.suggest-summary').textContent(), new RegExp(`Bij ${unsure.length} twijfelt`));

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

test('find similar lights up the cards the server ranks most alike and dims the rest', async () => {
  const { f, p } = await sortingBoard();
  const source = f.locator('.card', { hasText: texts[0] });
  await source.hover();
  await source.locator('.card-similar').click();
  await f.waitForSelector('#board.spotlight .spotlight-bar');
  assert.equal(await f.locator('.spotlight-source').textContent(), texts[0]);
  assert.equal(await f.locator('.card.spot-source').count(), 1);
  assert.ok((await f.locator('.card.spot-source').textContent()).includes(texts[0]));
  // At most the three other cards light up; the source is never its own match.
  const matches = await f.locator('.card.spot-match').count();
  assert.ok(matches >= 1 && matches <= texts.length - 1, `matches: ${matches}`);
  assert.equal(await f.locator('.card.spot-source.spot-match').count(), 0);
  // numbered, most alike first
  assert.deepEqual((await f.locator('.card.spot-match .spot-rank').allTextContents()).sort(),
    Array.from({ length: matches }, (_, i) => String(i + 1)));
  const dimmed = await f.locator('#board.spotlight .card:not(.spot-source):not(.spot-match)').count();
  assert.equal(dimmed, texts.length - 1 - matches);
  await shot(f, 'facilitator-similar-1920');
  // The participant sees nothing of it.
  assert.equal(await p.locator('.spotlight, .spotlight-bar').count(), 0);

  // The keyboard: Escape closes it, S on a focused card opens it again.
  await f.keyboard.press('Escape');
  await f.waitForFunction(() => !document.querySelector('#board.spotlight') && !document.querySelector('.spotlight-bar'));
  await f.locator('.card', { hasText: texts[1] }).focus();
  await f.keyboard.press('s');
  await f.waitForSelector('#board.spotlight .spotlight-bar');
  assert.equal(await f.locator('.spotlight-source').textContent(), texts[1]);
  await f.click('#spotlight-close');
  await f.waitForFunction(() => !document.querySelector('#board.spotlight'));
  assert.deepEqual([...f.problems, ...p.problems], []);
});
