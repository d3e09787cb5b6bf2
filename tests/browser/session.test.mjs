// A whole session: one facilitator and three participants go through
// check-in, cards, reveal, themes (drag and drop and keyboard), voting,
// an agreement, closing and export.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startServer, launch, newPage, createWorkshop, shot, postCard, setPhase, waitFor } from './helpers.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { if (browser) await browser.close(); if (server) await server.stop(); });

const count = (page, sel) => page.locator(sel).count();

test('facilitator and three participants run a whole session', async () => {
  const ws = await createWorkshop(server.url, {
    title: 'Nieuw CRM in het salesteam', language: 'nl',
    settings: { anonymity_threshold: 3, votes_per_participant: 3 },
  });
  const f = await newPage(browser, { width: 1920, height: 1080, name: 'facilitator' });
  await f.goto(`${server.url}${ws.facilitator_url}`);
  await f.waitForSelector('.phasebar');
  await f.waitForSelector('.join-panel .big-code');
  assert.equal((await f.textContent('.join-panel .big-code')).trim(), ws.code);

  const ps = [];
  for (let i = 0; i < 3; i += 1) {
    const p = await newPage(browser, { width: 390, height: 844, name: `p${i + 1}` });
    await p.goto(`${server.url}${ws.participant_url}`);
    await p.waitForSelector('.phase-chip');
    ps.push(p);
  }
  await f.waitForFunction(() => document.querySelector('#count-participants strong')?.textContent === '3');
  await shot(f, 'facilitator-lobby-1920');

  // check-in
  await setPhase(f, 'checkin');
  const words = ['benieuwd', 'moe', 'Benieuwd'];
  for (let i = 0; i < 3; i += 1) {
    await ps[i].waitForSelector('#checkin-form:visible');
    await ps[i].fill('#checkin-word', words[i]);
    await ps[i].click('#checkin-form button[type=submit]');
  }
  await f.waitForFunction(() => document.querySelectorAll('.cloud .word').length === 2);
  await ps[0].waitForFunction(() => document.querySelectorAll('.cloud .word').length === 2);
  await shot(ps[0], 'participant-checkin-390');
  assert.match(await f.textContent('.cloud'), /moe/);
  await shot(f, 'facilitator-checkin-1920');

  // the question, from the built-in list
  await setPhase(f, 'reflect');
  const firstPrompt = await f.locator('#prompt-pick option').nth(1).getAttribute('value');
  await f.selectOption('#prompt-pick', firstPrompt);
  await f.click('#prompt-form button[type=submit]');
  for (const p of ps) await p.waitForFunction((q) => document.querySelector('#prompt')?.textContent === q, firstPrompt);

  // a timer from the presets, seen on every phone
  await f.click('#tool-timer button[data-minutes="5"]');
  for (const p of ps) await p.waitForFunction(() => /^[45]:\d\d$/.test(document.querySelector('.timer:not([hidden])')?.textContent || ''));
  await f.waitForSelector('.stage-head .timer:not([hidden])');

  // cards: the form's first field is the textarea, kind defaults to concern
  assert.equal(await ps[0].evaluate(() => document.querySelector('#card-form').elements[0].tagName), 'TEXTAREA');
  assert.equal(await ps[0].isChecked('#kind-concern'), true);
  await postCard(ps[0], 'Ik ben bang dat het persoonlijke contact met klanten verdwijnt', { intention: 'Ik wil mijn klanten goed kennen' });
  await postCard(ps[0], 'Nog een systeem erbij, terwijl we al zoveel invullen');
  await postCard(ps[1], 'Ik wil dat we samen leren hoe het werkt', { kind: 'intention' });
  await ps[0].waitForFunction(() => document.querySelectorAll('.mine-list .card.mine').length === 2);
  await f.waitForFunction(() => document.querySelector('#count-hidden strong')?.textContent === '3');
  assert.equal(await count(f, '#board .card'), 0, 'the facilitator sees no card before reveal');

  // every form control has a label, every button a name
  for (const page of [f, ps[0]]) {
    const unnamed = await page.evaluate(() => {
      const bad = [];
      for (const el of document.querySelectorAll('input, select, textarea')) {
        if (el.type === 'radio' ? !el.closest('label') : !(el.labels && el.labels.length) && !el.getAttribute('aria-label')) bad.push(el.id || el.outerHTML.slice(0, 60));
      }
      for (const b of document.querySelectorAll('button')) {
        if (!(b.getAttribute('aria-label') || b.textContent.trim())) bad.push(b.outerHTML.slice(0, 60));
      }
      return bad;
    });
    assert.deepEqual(unnamed, []);
  }

  // reveal is refused below the anonymity threshold, with an explanation
  await f.click('#reveal');
  await f.waitForSelector('#tool-reveal .tool-msg.warn');
  assert.match(await f.textContent('#tool-reveal .tool-msg'), /3 mensen/);

  await postCard(ps[2], 'Wie helpt ons als het vastloopt?');
  await f.waitForFunction(() => document.querySelector('#count-hidden strong')?.textContent === '4');
  await shot(ps[0], 'participant-reflect-390');
  await shot(f, 'facilitator-reflect-1920');
  await ps[1].setViewportSize({ width: 360, height: 740 });
  await shot(ps[1], 'participant-reflect-360');
  await f.click('#reveal');
  await f.waitForFunction(() => document.querySelectorAll('#board .card').length === 4);
  for (const p of ps) await p.waitForFunction(() => document.querySelectorAll('#board .card').length === 4);
  // revealing is for good: the tool and the hidden-cards count go away
  await f.waitForSelector('#tool-reveal', { state: 'hidden' });
  assert.equal(await f.isHidden('#count-hidden'), true, 'no hidden-cards count after the reveal');

  // themes: create, drag a card in, drag one to a column, move one by keyboard
  await setPhase(f, 'cluster');
  await f.fill('#new-theme-behouden', 'Persoonlijk contact');
  await f.press('#new-theme-behouden', 'Enter');
  await f.waitForSelector('.theme[data-cluster] .theme-title:has-text("Persoonlijk contact")');
  const cardSel = (text) => `#board .card:has-text("${text}")`;
  await f.locator(cardSel('persoonlijke contact')).dragTo(f.locator('.column[data-column="behouden"] .theme .cards'));
  await f.waitForSelector(`.column[data-column="behouden"] .theme ${cardSel('persoonlijke contact').replace('#board ', '')}`);
  await f.locator(cardSel('samen leren')).dragTo(f.locator('.column[data-column="vernieuwen"] .unthemed .cards'));
  await f.waitForSelector(`.column[data-column="vernieuwen"] .card:has-text("samen leren")`);
  // keyboard: focus a card, Enter opens the move menu, pick a target
  await f.focus(cardSel('Nog een systeem'));
  await f.keyboard.press('Enter');
  await f.waitForSelector('dialog.move-menu[open]');
  await f.click('dialog.move-menu .move-target:has-text("Persoonlijk contact")');
  await f.waitForSelector(`.column[data-column="behouden"] .theme .card:has-text("Nog een systeem")`);
  // keyboard: arrow right moves the unplaced card to the first column
  await f.focus(cardSel('vastloopt'));
  await f.keyboard.press('ArrowRight');
  await f.waitForSelector(`.column[data-column="behouden"] .unthemed .card:has-text("vastloopt")`);
  // keyboard: arrow up moves it above its neighbour in the theme
  const order = () => f.locator('.column[data-column="behouden"] .theme .card .text').allTextContents();
  const before = await order();
  await f.focus(cardSel(before[1].slice(0, 20)));
  await f.keyboard.press('ArrowUp');
  await f.waitForFunction((first) => document.querySelector('.column[data-column="behouden"] .theme .card .text')?.textContent === first, before[1]);
  assert.deepEqual(await order(), [before[1], before[0]]);
  // a second theme, renamed, then deleted (its card stays in the column)
  await f.fill('#new-theme-vernieuwen', 'Leren');
  await f.press('#new-theme-vernieuwen', 'Enter');
  await f.waitForSelector('.column[data-column="vernieuwen"] .theme-title:has-text("Leren")');
  // renaming happens in place: Escape keeps the name, Enter saves the new one
  const renameBtn = '.column[data-column="vernieuwen"] .theme-tools .icon-btn:not(.danger)';
  const renameInput = '.column[data-column="vernieuwen"] .rename-input';
  await f.click(renameBtn);
  await f.fill(renameInput, 'Weggegooid');
  await f.press(renameInput, 'Escape');
  await f.waitForSelector('.column[data-column="vernieuwen"] .theme-title:has-text("Leren")');
  await f.click(renameBtn);
  assert.equal(await f.inputValue(renameInput), 'Leren', 'the field starts with the current name');
  await f.fill(renameInput, 'Samen leren');
  await shot(f, 'facilitator-rename-1920');
  await f.press(renameInput, 'Enter');
  await f.waitForSelector('.column[data-column="vernieuwen"] .theme-title:has-text("Samen leren")');
  assert.equal(await count(f, '.rename-input'), 0, 'the field closes after saving');
  for (const p of ps) {
    await p.waitForSelector('.column[data-column="behouden"] .theme .card:has-text("persoonlijke contact")');
    await p.waitForSelector('.column[data-column="vernieuwen"] .theme-title:has-text("Samen leren")');
  }
  await f.click('.column[data-column="vernieuwen"] .theme-tools .icon-btn.danger');
  await f.waitForFunction(() => !document.querySelector('.column[data-column="vernieuwen"] .theme'));
  assert.equal(await count(f, '.column[data-column="vernieuwen"] .card'), 1);
  await f.evaluate(() => document.activeElement && document.activeElement.blur());
  await shot(f, 'facilitator-board-1920');

  await f.click('#timer-stop');
  for (const p of ps) await p.waitForSelector('.timer', { state: 'hidden' });

  // vote: dots on the theme and on a card
  await setPhase(f, 'vote');
  const plusTheme = '.theme-head .vote-ctl .plus';
  await ps[0].click(plusTheme);
  await ps[0].waitForFunction(() => /2/.test(document.querySelector('.dots-left').textContent));
  await ps[0].click(plusTheme);
  await ps[0].waitForFunction(() => /1/.test(document.querySelector('.dots-left').textContent));
  await ps[1].click(plusTheme);
  await ps[2].click('.column[data-column="vernieuwen"] .card .vote-ctl .plus');
  await f.waitForFunction(() => document.querySelector('.theme-head .votes')?.textContent.trim() === '3');
  assert.equal(await count(ps[0], '.votes'), 0, 'participants see no tallies while voting');
  await ps[0].evaluate(() => window.scrollTo(0, 0));
  await shot(ps[0], 'participant-vote-390');
  await shot(f, 'facilitator-vote-1920');

  // discuss: the tallies appear for everyone
  await setPhase(f, 'discuss');
  for (const p of ps) await p.waitForFunction(() => document.querySelector('.theme-head .votes')?.textContent.trim() === '3');

  // agreement
  await setPhase(f, 'agree');
  await f.fill('#ag-what', 'Elke maand één klantbezoek samen met een collega');
  await f.fill('#ag-who', 'Koen en Mark');
  await f.fill('#ag-when', '2026-12-15');
  await f.selectOption('#ag-theme', { label: 'Persoonlijk contact' });
  await f.click('#agreement-form button[type=submit]');
  for (const p of ps) await p.waitForSelector('.agreements .agreement-text:has-text("klantbezoek")');
  assert.match(await ps[0].textContent('.agreements'), /Koen en Mark/);
  await shot(ps[1], 'participant-agree-390');

  // close
  await setPhase(f, 'closed');
  for (const p of ps) {
    await p.waitForSelector('.closed-msg:visible');
    assert.equal(await p.isVisible('#card-form'), false);
  }
  await shot(ps[2], 'participant-closed-390');
  await shot(f, 'facilitator-closed-1920');

  // presentation mode for the beamer
  await f.click('#present-toggle');
  await f.waitForSelector('body.presenting');
  await shot(f, 'facilitator-present-1920');

  // export after closing, all three formats, through the key in a header
  await f.click('#present-toggle');
  await f.waitForSelector('body:not(.presenting)');
  for (const [fmt, re] of [['md', /persoonlijke contact/], ['csv', /samen leren/], ['json', /vastloopt/]]) {
    const failed = f.waitForFunction(() => document.querySelector('#tool-export .tool-msg')?.textContent, null, { timeout: 15000 })
      .then(async () => { throw new Error(`export ${fmt}: ${await f.textContent('#tool-export .tool-msg')}`); });
    failed.catch(() => {});
    const [dl] = await Promise.all([
      Promise.race([f.waitForEvent('download', { timeout: 15000 }), failed]),
      f.click(`#tool-export button[data-format="${fmt}"]`),
    ]);
    const file = await dl.path();
    const body = fs.readFileSync(file, 'utf8');
    assert.match(body, re, `export ${fmt}`);
    assert.equal(dl.suggestedFilename(), `brug-${ws.code}.${fmt}`);
  }

  const problems = [f, ...ps].flatMap((p) => p.problems);
  assert.deepEqual(problems, []);
});
