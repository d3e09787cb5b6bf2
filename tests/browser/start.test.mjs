// The start page: start a workshop through the form, see code, links and
// the one-time facilitator link; join by code in any case, dash optional.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, shot } from './helpers.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { if (browser) await browser.close(); if (server) await server.stop(); });

test('start a workshop from the start page, then join it by code', async () => {
  const page = await newPage(browser, { width: 1280, height: 900, name: 'start' });
  await page.goto(`${server.url}/`);
  await page.waitForSelector('#start-form');
  assert.equal(await page.getAttribute('html', 'lang'), 'nl');
  await shot(page, 'start-page');
  // the columns default to behouden / vernieuwen
  assert.equal(await page.inputValue('#col-0'), 'Behouden');
  assert.equal(await page.inputValue('#col-1'), 'Vernieuwen');
  await page.fill('#ws-title-input', 'Nieuw CRM in het salesteam');
  await page.click('#ws-create');
  await page.waitForSelector('#created-code');
  const code = (await page.textContent('#created-code')).trim();
  assert.match(code, /^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/);
  const flink = await page.textContent('#flink');
  assert.match(flink, new RegExp(`/f/${code}#key=.+`));
  assert.match(await page.textContent('.created'), /één keer/);
  await shot(page, 'start-created');

  // join by code, lower case and without the dash, on a phone
  const phone = await newPage(browser, { width: 360, height: 740, name: 'phone' });
  await phone.goto(`${server.url}/`);
  await phone.fill('#join-code', code.replace('-', '').toLowerCase());
  await phone.click('#join-form button[type=submit]');
  await phone.waitForURL(`**/w/${code}`);
  await phone.waitForSelector('.phase-chip');
  assert.equal(await phone.textContent('#ws-title'), 'Nieuw CRM in het salesteam');
  await shot(phone, 'start-joined-360');

  // the facilitator link opens the board, and the key leaves the address bar
  await page.click('#open-board');
  await page.waitForSelector('.phasebar');
  assert.ok(!page.url().includes('key='), 'key stays out of the visible URL');
  await page.waitForFunction(() => document.querySelector('#count-participants strong')?.textContent === '1');

  // switch language
  await page.click('#lang-switch');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  assert.match(await page.textContent('.phasebar'), /Reflect/);

  assert.deepEqual([...page.problems, ...phone.problems], []);
});

test('an unknown code and a wrong facilitator key are explained, not retried forever', async () => {
  const page = await newPage(browser, { width: 390, height: 844, name: 'unknown' });
  await page.goto(`${server.url}/w/ZZZZ-ZZZZ`);
  await page.waitForSelector('[role=alert]');
  assert.match(await page.textContent('[role=alert]'), /bestaat niet/);
  const bad = await newPage(browser, { width: 1280, height: 800, name: 'badkey' });
  const res = await fetch(`${server.url}/api/workshops`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ title: 'Sleutel' }) });
  const ws = await res.json();
  await bad.goto(`${server.url}/f/${ws.code}#key=wrong-key`);
  await bad.waitForSelector('[role=alert]');
  assert.match(await bad.textContent('[role=alert]'), /facilitatorlink klopt niet/);
  assert.deepEqual([...page.problems, ...bad.problems], []);
});
