// User text is text: a card with <script> and <img onerror> is shown as
// the characters typed, on the author's phone and on the facilitator's board.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, createWorkshop, postCard, setPhase } from './helpers.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { if (browser) await browser.close(); if (server) await server.stop(); });

const EVIL = '<script>alert("x")</script><img src=x onerror="alert(1);window.__pwned=1">';

test('card text with <script> and <img onerror> is shown as text', async () => {
  const ws = await createWorkshop(server.url, { title: '<b>Titel</b><img src=x onerror=alert(2)>', settings: { anonymity_threshold: 1 } });
  const f = await newPage(browser, { width: 1920, height: 1080, name: 'facilitator' });
  await f.goto(`${server.url}${ws.facilitator_url}`);
  await f.waitForSelector('.phasebar');
  await setPhase(f, 'reflect');
  await f.fill('#prompt-own', '<img src=x onerror=alert(3)>Vraag?');
  await f.click('#prompt-form button[type=submit]');

  const p = await newPage(browser, { width: 390, height: 844, name: 'participant' });
  await p.goto(`${server.url}${ws.participant_url}`);
  await p.waitForSelector('#card-form');
  await postCard(p, EVIL, { intention: '<svg onload=alert(4)></svg>' });
  await p.waitForSelector('.mine-list .card.mine');
  await f.click('#reveal');
  await f.waitForSelector('#board .card');
  await setPhase(f, 'cluster');
  await f.fill('#new-theme-behouden', '<i onmouseover=alert(5)>thema</i>');
  await f.press('#new-theme-behouden', 'Enter');
  await f.waitForSelector('.theme-title');
  await p.waitForSelector('#board .card');
  await f.waitForTimeout(300);

  for (const page of [f, p]) {
    assert.equal(await page.textContent('#board .card .text'), EVIL);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    // no element came from user text
    assert.equal(await page.locator('#board img, #board script, #board svg, #board b, #board i').count(), 0);
    assert.equal(await page.locator('.ws-title img, .ws-title b').count(), 0);
    assert.deepEqual(page.dialogs.filter((d) => d.type === 'alert'), []);
  }
  assert.equal(await f.textContent('#ws-title'), '<b>Titel</b><img src=x onerror=alert(2)>');
  assert.equal(await p.textContent('#prompt'), '<img src=x onerror=alert(3)>Vraag?');
  assert.equal(await f.textContent('.theme-title'), '<i onmouseover=alert(5)>thema</i>');
  assert.equal(await p.textContent('#board .card .beneath-text'), '<svg onload=alert(4)></svg>');
  assert.deepEqual([...f.problems, ...p.problems], []);
});
