// A reload is the same participant: the token stays in localStorage, so the
// participant's own (still hidden) cards come back, editable and deletable.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, createWorkshop, postCard, setPhase, shot } from './helpers.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { if (browser) await browser.close(); if (server) await server.stop(); });

test('a reload keeps a participant\'s own cards', async () => {
  const ws = await createWorkshop(server.url, { title: 'Retro sprint 12', language: 'en' });
  const f = await newPage(browser, { width: 1280, height: 800, name: 'facilitator' });
  await f.goto(`${server.url}${ws.facilitator_url}`);
  await f.waitForSelector('.phasebar');
  await setPhase(f, 'reflect');

  const p = await newPage(browser, { width: 390, height: 844, name: 'participant' });
  await p.goto(`${server.url}/w/${ws.code.toLowerCase()}`);
  await p.waitForSelector('#card-form');
  assert.equal(await p.getAttribute('html', 'lang'), 'en', 'an English workshop speaks English');
  await postCard(p, 'Standups run too long');
  await postCard(p, 'Pairing helps us learn', { kind: 'intention' });
  await p.waitForFunction(() => document.querySelectorAll('.mine-list .card.mine').length === 2);
  await shot(p, 'participant-en-390');
  const token = await p.evaluate((c) => localStorage.getItem(`brug.token.${c}`), ws.code);
  assert.ok(token && token.length >= 16, 'token kept in localStorage');

  await p.reload();
  await p.waitForFunction(() => document.querySelectorAll('.mine-list .card.mine').length === 2);
  assert.match(await p.textContent('.mine-list'), /Standups run too long/);
  assert.equal(await p.evaluate((c) => localStorage.getItem(`brug.token.${c}`), ws.code), token);

  // still mine: edit one, delete the other
  await p.click('.mine-list .card:has-text("Standups") .edit-card');
  await p.fill('#edit-text', 'Standups run too long, often 30 minutes');
  await p.click('.edit-form button[type=submit]');
  await p.waitForSelector('.mine-list .card:has-text("often 30 minutes")');
  await p.click('.mine-list .card:has-text("Pairing") .delete-card');
  await p.waitForFunction(() => document.querySelectorAll('.mine-list .card.mine').length === 1);
  await f.waitForFunction(() => document.querySelector('#count-hidden strong')?.textContent === '1');

  // the language switch is remembered per workshop
  await p.click('#lang-switch');
  await p.waitForFunction(() => document.documentElement.lang === 'nl');
  await p.reload();
  await p.waitForSelector('#card-form');
  assert.equal(await p.getAttribute('html', 'lang'), 'nl');
  assert.equal(await p.textContent('#card-submit'), 'Plaats kaartje');
  assert.deepEqual([...f.problems, ...p.problems], []);
});
