// Facilitator view (/f/{code}#key=...): phase bar, question, live counts,
// reveal, the board, check-in cloud, tallies, agreements, timer, export,
// and a presentation mode for the beamer.

import { h, replace, announce } from './dom.js';
import { t, tn, initLang, onLangChange, builtinPrompts } from './i18n.js';
import { Connection } from './connection.js';
import { Store } from './store/state.js';
import { renderBoard, votesBadge } from './board.js';
import { topBar, showStatus, loadingPage, timerView, agreementsList, wordCloud, phaseNames, fmtDate, flashError } from './common.js';
import { fetchPrompts, downloadExport, qrUrl } from './api.js';
import { fatalPage } from './participant.js';
import { suggestPanel } from './suggest.js';

export function facilitatorKey(code) {
  const m = /(?:^#|&)key=([^&]+)/.exec(location.hash);
  const storeKey = `brug.fkey.${code}`;
  if (m) {
    const key = decodeURIComponent(m[1]);
    try { sessionStorage.setItem(storeKey, key); localStorage.setItem(storeKey, key); } catch (_) { /* ignore */ }
    // Keep the key out of the address bar (the beamer shows it).
    history.replaceState(null, '', location.pathname + location.search);
    return key;
  }
  try { return sessionStorage.getItem(storeKey) || localStorage.getItem(storeKey); } catch (_) { return null; }
}

export function facilitatorView(root, code) {
  const key = facilitatorKey(code);
  if (!key) {
    initLang(null, code);
    replace(root, h('main', { class: 'center-page' }, h('section', { class: 'panel' },
      h('h1', { text: t('app.name') }), h('p', { role: 'alert', text: t('f.nokey') }),
      h('a', { href: '/', class: 'button primary', text: t('home.back') }))));
    return;
  }
  const store = new Store();
  let built = false;
  let ui = null;
  let connStatus = 'connecting';
  let fatal = null;
  let prompts = null;
  let editingAgreement = null;
  let presenting = false;
  let spotlight = null; // "find similar": {id, text, matches: card ids, most alike first}

  const conn = new Connection(code, () => ({ type: 'hello', protocol: 1, role: 'facilitator', facilitator_key: key }), {
    onWelcome: (m) => {
      if (!built) {
        initLang(m.state && m.state.language, code);
        loadPrompts(m.state && m.state.language);
      }
      store.welcome(m);
    },
    onEvent: (name, data) => {
      store.event(name, data);
      if (name === 'timer.ended' && ui) announce(t('f.timer.ended'));
    },
    onPresence: (p) => store.setPresence(p),
    onStatus: (s, detail) => {
      connStatus = s;
      if (s === 'fatal') {
        fatal = detail;
        if (detail === 4401) {
          try { sessionStorage.removeItem(`brug.fkey.${code}`); localStorage.removeItem(`brug.fkey.${code}`); } catch (_) { /* ignore */ }
        }
      }
      if (ui) showStatus(ui.status, s, conn.pending(), fatal);
      else if (loading && s !== 'fatal') showStatus(loading, s, conn.pending(), fatal);
      if (!built && s === 'fatal') fatalPage(root, detail);
    },
    onPending: () => { if (ui) showStatus(ui.status, connStatus, conn.pending(), fatal); },
    onOther: (m) => { if (m.type === 'suggestions' && ui) ui.suggest.show(m); },
  });

  async function loadPrompts(language) {
    const got = await fetchPrompts(language || 'nl');
    prompts = got && got.length ? got : builtinPrompts[language === 'en' ? 'en' : 'nl'];
    if (ui) fillPrompts();
  }

  store.subscribe((s, what) => {
    if (!built) { build(); built = true; }
    render(what);
  });
  onLangChange(() => { if (built) { build(); render(new Set(['lang'])); } });
  initLang(null, code);
  const loading = loadingPage(root);
  conn.connect();

  const send = (type, fields) => conn.send(type, fields);
  const showError = (e) => flashError(ui, e);

  function build() {
    const s = store.state;
    const counts = h('div', { class: 'counts' },
      h('p', { class: 'count-pill', id: 'count-participants', role: 'status', 'aria-live': 'polite' }),
      h('p', { class: 'count-pill', id: 'count-hidden', role: 'status', 'aria-live': 'polite' }));
    const presentBtn = h('button', { type: 'button', class: 'secondary', id: 'present-toggle', 'aria-pressed': 'false', text: t('f.present'), onclick: () => setPresenting(!presenting, true) });
    const codeChip = h('p', { class: 'code-chip' }, h('span', { class: 'meta-label', text: `${t('f.code')} ` }), h('strong', { text: code }));
    const top = topBar(s.title, code, h('div', { class: 'top-extra' }, codeChip, counts, presentBtn));
    const error = h('p', { class: 'error-msg', role: 'alert', hidden: true });

    // phase bar
    const phaseList = h('ol', { class: 'phases' });
    for (const p of phaseNames()) {
      phaseList.appendChild(h('li', null, h('button', {
        type: 'button', class: 'phase-btn', dataset: { phase: p },
        onclick: () => {
          if (p === store.state.phase) return;
          if (p === 'closed' && !confirm(t('f.close.confirm'))) return;
          send('phase.set', { phase: p }).catch(showError);
        },
      }, t(`phase.${p}`))));
    }
    const phaseBar = h('nav', { class: 'phasebar', 'aria-label': t('phases.label') }, phaseList);

    // stage (what the room sees)
    const timer = timerView();
    const stagePrompt = h('p', { class: 'stage-prompt', id: 'stage-prompt' });
    const lobbyCount = h('p', { class: 'lobby-count', 'aria-hidden': 'true' });
    const joinPanel = h('section', { class: 'join-panel', 'aria-labelledby': 'lobby-title' },
      h('div', { class: 'join-text' },
        h('h2', { id: 'lobby-title', class: 'lobby-title', text: s.title }),
        h('p', { class: 'join-at', text: t('f.join.at', { url: `${location.host}/w/${code}` }) }),
        h('p', { class: 'big-code', text: code }),
        lobbyCount,
        h('p', { class: 'quiet', text: t('p.anon') })),
      h('div', { class: 'qr-panel' }, qrImage(code)));
    const cloudBox = h('div', { class: 'cloud-wrap big', 'aria-live': 'polite' });
    const secCheckin = h('section', { class: 'stage-sec', 'aria-labelledby': 'f-checkin-h' },
      h('h2', { id: 'f-checkin-h', class: 'stage-title', text: t('f.checkin.title') }), cloudBox);
    const hiddenBig = h('p', { class: 'hidden-big', 'aria-hidden': 'true' });
    const hiddenLabel = h('p', { class: 'hidden-label', 'aria-hidden': 'true' });
    const secReflect = h('section', { class: 'stage-sec reflect-wait' },
      hiddenBig, h('div', null, hiddenLabel, h('p', { class: 'quiet', text: t('f.reflect.waiting') })));
    const boardEl = h('div', { class: 'board', id: 'board', role: 'region', 'aria-label': t('board.label') });
    const ranking = h('section', { class: 'stage-sec ranking', 'aria-labelledby': 'rank-h' },
      h('h2', { id: 'rank-h', class: 'stage-title', text: t('f.ranking') }), h('ol', { class: 'rank-list' }));
    const stageAgree = h('section', { class: 'stage-sec', 'aria-labelledby': 'stage-agree-h' },
      h('h2', { id: 'stage-agree-h', class: 'stage-title', text: t('agreements.title') }), h('div'));
    const stage = h('div', { class: 'stage' },
      h('div', { class: 'stage-head' }, stagePrompt, timer.el),
      joinPanel, secCheckin, secReflect, ranking, boardEl, stageAgree);

    // tools
    const promptSelect = h('select', { id: 'prompt-pick' });
    const promptOwn = h('input', { id: 'prompt-own', type: 'text', maxlength: '200', autocomplete: 'off' });
    promptSelect.addEventListener('change', () => { if (promptSelect.value) promptOwn.value = promptSelect.value; });
    const promptForm = h('form', { class: 'tool-form', id: 'prompt-form' },
      h('label', { for: 'prompt-pick', text: t('f.prompt.pick') }), promptSelect,
      h('label', { for: 'prompt-own', text: t('f.prompt.own') }), promptOwn,
      h('div', { class: 'row' },
        h('button', { type: 'submit', class: 'primary small', text: t('f.prompt.set') }),
        h('button', { type: 'button', class: 'secondary small', text: t('f.prompt.clear'), onclick: () => send('prompt.set', { text: '' }).catch(showError) })));
    promptForm.addEventListener('submit', (e) => {
      e.preventDefault();
      const text = promptOwn.value.trim() || promptSelect.value;
      if (!text) { promptOwn.focus(); return; }
      send('prompt.set', { text }).then(() => { promptOwn.value = ''; promptSelect.value = ''; }).catch(showError);
    });

    const revealMsg = h('p', { class: 'tool-msg', role: 'status', 'aria-live': 'polite' });
    const revealBtn = h('button', {
      type: 'button', class: 'primary', id: 'reveal', text: t('f.reveal'),
      onclick: () => {
        revealMsg.textContent = '';
        send('cards.reveal', {}).then((a) => {
          revealMsg.textContent = a.revealed ? t('f.revealed', { n: a.revealed }) : t('f.revealed.none');
        }).catch((e) => {
          if (e.code === 'anonymity_threshold') {
            revealMsg.textContent = t('f.reveal.threshold', { n: store.state.settings.anonymity_threshold ?? 3 });
            revealMsg.classList.add('warn');
          } else showError(e);
        });
      },
    });

    const timerBtns = h('div', { class: 'row wrap' });
    for (const m of [1, 3, 5, 10, 15]) {
      timerBtns.appendChild(h('button', {
        type: 'button', class: 'secondary small', dataset: { minutes: String(m) }, text: t('f.timer.min', { n: m }),
        onclick: () => send('timer.start', { seconds: m * 60 }).catch(showError),
      }));
    }
    const timerMin = h('input', { id: 'timer-min', type: 'number', min: '1', max: '120', value: '7', inputmode: 'numeric' });
    const timerForm = h('form', { class: 'row', id: 'timer-form' },
      h('label', { for: 'timer-min', text: t('f.timer.custom') }), timerMin,
      h('button', { type: 'submit', class: 'secondary small', text: t('f.timer.start') }),
      h('button', { type: 'button', class: 'secondary small', id: 'timer-stop', text: t('f.timer.stop'), onclick: () => send('timer.stop', {}).catch(showError) }));
    timerForm.addEventListener('submit', (e) => {
      e.preventDefault();
      const m = Number(timerMin.value);
      if (!(m > 0)) return;
      send('timer.start', { seconds: Math.min(7200, Math.round(m * 60)) }).catch(showError);
    });

    // agreements editor
    const agWhat = h('input', { id: 'ag-what', type: 'text', maxlength: '300', required: true, autocomplete: 'off' });
    const agWho = h('input', { id: 'ag-who', type: 'text', maxlength: '80', autocomplete: 'off' });
    const agWhen = h('input', { id: 'ag-when', type: 'date' });
    const agTheme = h('select', { id: 'ag-theme' });
    const agForm = h('form', { class: 'tool-form', id: 'agreement-form' },
      h('label', { for: 'ag-what', text: t('f.agree.what') }), agWhat,
      h('label', { for: 'ag-who', text: t('f.agree.who') }), agWho,
      h('label', { for: 'ag-when', text: t('f.agree.when') }), agWhen,
      h('label', { for: 'ag-theme', text: t('f.agree.theme') }), agTheme,
      h('button', { type: 'submit', class: 'primary small', text: t('f.agree.add') }));
    agForm.addEventListener('submit', (e) => {
      e.preventDefault();
      const text = agWhat.value.trim();
      if (!text) { agWhat.focus(); return; }
      const fields = { text, owner: agWho.value.trim() || null, due: agWhen.value || null, cluster_id: agTheme.value || null };
      send('agreement.add', fields).then(() => { agWhat.value = ''; agWho.value = ''; agWhen.value = ''; agTheme.value = ''; agWhat.focus(); }).catch(showError);
    });
    const agList = h('ul', { class: 'ag-edit-list' });

    const exportRow = h('div', { class: 'row wrap' });
    const exportMsg = h('p', { class: 'tool-msg', role: 'status' });
    for (const f of ['md', 'csv', 'json']) {
      exportRow.appendChild(h('button', {
        type: 'button', class: 'secondary small', dataset: { format: f }, text: t(`f.export.${f}`),
        onclick: () => downloadExport(code, key, f).then(() => { exportMsg.textContent = ''; })
          .catch((e) => { exportMsg.textContent = t('f.export.failed', { msg: e.message }); }),
      }));
    }

    const suggest = suggestPanel(store, send, showError, () => render(new Set(['suggest'])));

    const tools = h('aside', { class: 'tools', 'aria-label': t('f.tools') },
      toolBox('tool-prompt', t('f.prompt.title'), promptForm),
      toolBox('tool-reveal', t('f.reveal'), revealBtn, revealMsg),
      toolBox('tool-timer', t('f.timer'), timerBtns, timerForm),
      toolBox('tool-suggest', t('f.suggest'), suggest.el),
      toolBox('tool-agree', t('f.agree.title'), agForm, agList),
      toolBox('tool-export', t('f.export'), exportRow, exportMsg));

    const main = h('main', { class: 'facilitator', id: 'main' }, error, stage, tools);
    replace(root, top.bar, phaseBar, main);
    document.title = `${s.title} · Brug`;
    ui = { ...top, error, phaseList, timer, stagePrompt, joinPanel, secCheckin, cloudBox, secReflect, hiddenBig, hiddenLabel, boardEl,
      lobbyCount, ranking, stageAgree, promptSelect, agTheme, agList, counts, revealBtn, revealMsg, suggest, presentBtn };
    showStatus(ui.status, connStatus, conn.pending(), fatal);
    fillPrompts();
    setPresenting(presenting);
  }

  function toolBox(id, title, ...children) {
    return h('section', { class: 'tool', id, 'aria-labelledby': `${id}-h` },
      h('h2', { id: `${id}-h`, text: title }), ...children);
  }

  function fillPrompts() {
    if (!ui) return;
    const list = prompts || builtinPrompts[store.state.language === 'en' ? 'en' : 'nl'];
    replace(ui.promptSelect, h('option', { value: '', text: t('f.prompt.pick.none') }),
      ...list.map((p) => h('option', { value: p, text: p })));
  }

  function setPresenting(on, fromUser = false) {
    presenting = on;
    // a beamer wants the whole screen; the browser may say no, that is fine
    if (fromUser && on && document.documentElement.requestFullscreen && !document.fullscreenElement) {
      document.documentElement.requestFullscreen().catch(() => {});
    } else if (fromUser && !on && document.fullscreenElement && document.exitFullscreen) {
      document.exitFullscreen().catch(() => {});
    }
    document.body.classList.toggle('presenting', on);
    if (ui) {
      ui.presentBtn.setAttribute('aria-pressed', String(on));
      ui.presentBtn.textContent = on ? t('f.present.exit') : t('f.present');
    }
  }
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || document.querySelector('dialog[open]')) return;
    if (spotlight) closeSpotlight();
    else if (presenting) setPresenting(false, true);
  });

  // "Find similar": the server ranks the cards most like this one
  // (card.similar); the board lights them up and dims the rest.
  function findSimilar(card) {
    send('card.similar', { card_id: card.id, limit: 5 }).then((a) => {
      // The ranking goes on to cards with next to nothing in common (scored
      // by their column alone); those are not lit up as "similar".
      const matches = (a.cards || []).filter((c) => c.score >= 0.05).map((c) => c.card_id);
      spotlight = { id: card.id, text: card.text || '', matches };
      render(new Set(['spotlight']));
      announce(tn('f.similar.count', matches.length));
    }).catch(showError);
  }

  function closeSpotlight() {
    spotlight = null;
    render(new Set(['spotlight']));
  }

  function showSpotlight() {
    if (spotlight && !store.card(spotlight.id)) spotlight = null; // the card was deleted
    ui.boardEl.classList.toggle('spotlight', !!spotlight);
    for (const bar of ui.boardEl.querySelectorAll('.spotlight-bar')) bar.remove(); // a deferred render kept the old one
    if (!spotlight) return;
    for (const li of ui.boardEl.querySelectorAll('.card[data-card-id]')) {
      const rank = spotlight.matches.indexOf(li.dataset.cardId);
      li.classList.toggle('spot-source', li.dataset.cardId === spotlight.id);
      li.classList.toggle('spot-match', rank >= 0);
      li.querySelector('.spot-rank')?.remove();
      if (rank >= 0) li.prepend(h('span', { class: 'spot-rank', 'aria-label': t('f.similar.rank', { n: rank + 1 }), text: String(rank + 1) }));
    }
    const n = spotlight.matches.length;
    ui.boardEl.prepend(h('div', { class: 'spotlight-bar', role: 'status' },
      h('p', { class: 'spotlight-text' },
        h('strong', { text: t('f.similar.to') }), ' ', h('span', { class: 'spotlight-source', text: spotlight.text }), ' ',
        h('span', { class: 'quiet', text: tn('f.similar.count', n) })),
      h('button', { type: 'button', class: 'secondary small', id: 'spotlight-close', text: t('f.similar.close'), onclick: closeSpotlight })));
  }

  function render(what) {
    if (!ui) return;
    const s = store.state;
    const p = s.phase;
    ui.setTitle(s.title);
    const np = store.presence.participants;
    ui.counts.querySelector('#count-participants').replaceChildren(
      h('strong', { text: String(np) }), ' ', h('span', { text: t(np === 1 ? 'f.participants.one' : 'f.participants') }));
    ui.counts.querySelector('#count-participants').setAttribute('aria-label', t('f.participants.label', { n: np }));
    ui.counts.querySelector('#count-hidden').replaceChildren(
      h('strong', { text: String(s.hidden_cards) }), ' ', h('span', { text: t(s.hidden_cards === 1 ? 'f.hidden.one' : 'f.hidden') }));
    ui.counts.querySelector('#count-hidden').setAttribute('aria-label', t('f.hidden.label', { n: s.hidden_cards }));
    // Revealing is for good: afterwards every new card is visible at once, so
    // there is nothing left to count or to reveal.
    ui.counts.querySelector('#count-hidden').hidden = s.revealed;
    ui.lobbyCount.textContent = np === 1 ? t('f.lobby.one') : t('f.lobby.count', { n: np });
    if (what && what.size === 1 && what.has('presence')) return; // a join or leave changes only the counts
    for (const b of ui.phaseList.querySelectorAll('.phase-btn')) {
      const cur = b.dataset.phase === p;
      b.classList.toggle('current', cur);
      if (cur) b.setAttribute('aria-current', 'step'); else b.removeAttribute('aria-current');
      b.disabled = p === 'closed' && !cur;
    }
    ui.stagePrompt.textContent = s.prompt || '';
    ui.stagePrompt.hidden = !s.prompt || p === 'lobby' || p === 'checkin';
    ui.joinPanel.hidden = p !== 'lobby';
    ui.secCheckin.hidden = p !== 'checkin';
    if (wordCloud(ui.cloudBox, s.checkins) === 0) {
      ui.cloudBox.replaceChildren(h('p', { class: 'quiet', text: t('f.checkin.none') }));
    }
    ui.secReflect.hidden = !(p === 'reflect' && !s.revealed) && !(s.hidden_cards > 0 && !['lobby', 'checkin'].includes(p));
    ui.hiddenBig.textContent = String(s.hidden_cards);
    ui.hiddenLabel.textContent = s.hidden_cards === 1 ? t('f.cards.in.one') : t('f.cards.in');
    const showBoard = s.revealed || ['cluster', 'vote', 'discuss', 'agree', 'closed'].includes(p);
    ui.boardEl.hidden = !showBoard;
    if (showBoard) {
      renderBoard(ui.boardEl, store, {
        interactive: p !== 'closed',
        send,
        showVotes: true,
        sortByVotes: ['discuss', 'agree', 'closed'].includes(p),
        onError: showError,
        onAnnounce: announce,
        ghost: ui.suggest.ghost,
        ghostThemes: ui.suggest.ghostThemes,
        ghostsInto: ui.suggest.ghostsInto,
        onSimilar: findSimilar,
      });
      showSpotlight();
    }
    renderRanking();
    const al = agreementsList(s.agreements, s.clusters);
    ui.stageAgree.hidden = !al || !['agree', 'closed', 'discuss'].includes(p);
    replace(ui.stageAgree.lastChild, al);
    renderAgreementEditor();
    ui.revealBtn.disabled = p === 'closed';
    document.getElementById('tool-reveal').hidden = s.revealed;
    for (const ph of phaseNames()) document.body.classList.toggle(`phase-${ph}`, ph === p);
    if (what && what.has && what.has('phase.changed')) ui.revealMsg.textContent = '';
    document.getElementById('tool-suggest').hidden = !s.revealed || p === 'closed';
    ui.timer.update(store);
    ui.suggest.render();
  }

  function renderRanking() {
    const s = store.state;
    const per = s.votes.per_target || {};
    const entries = Object.entries(per).filter(([, n]) => n > 0)
      .map(([id, n]) => {
        const theme = s.clusters.some((k) => k.id === id);
        return { id, n, theme, title: store.titleOf(id) || (theme ? t('theme.untitled') : '') };
      })
      .filter((x) => x.title)
      .sort((a, b) => b.n - a.n).slice(0, 8);
    const show = ['vote', 'discuss', 'agree', 'closed'].includes(s.phase);
    ui.ranking.hidden = !show;
    const ol = ui.ranking.querySelector('.rank-list');
    if (!entries.length) { replace(ol, h('li', { class: 'quiet', text: t('f.ranking.none') })); return; }
    replace(ol, ...entries.map((x) => h('li', { class: x.theme ? 'rank rank-theme' : 'rank' },
      h('span', { class: 'rank-title', text: x.title }), votesBadge(x.n, 'big'))));
  }

  function renderAgreementEditor() {
    const s = store.state;
    const cur = ui.agTheme.value;
    replace(ui.agTheme, h('option', { value: '', text: t('f.agree.theme.none') }),
      ...s.clusters.map((k) => h('option', { value: k.id, text: k.title })));
    ui.agTheme.value = s.clusters.some((k) => k.id === cur) ? cur : '';
    if (editingAgreement) return;
    if (!s.agreements.length) { replace(ui.agList, h('li', { class: 'quiet', text: t('f.agree.none') })); return; }
    replace(ui.agList, ...s.agreements.map((a) => h('li', { class: 'ag-item', dataset: { agreementId: a.id } },
      h('p', { class: 'agreement-text', text: a.text }),
      h('p', { class: 'agreement-meta' },
        a.owner ? h('span', { text: a.owner }) : null,
        a.due ? h('time', { datetime: a.due, text: fmtDate(a.due) }) : null),
      s.phase !== 'closed' ? h('div', { class: 'row' },
        h('button', { type: 'button', class: 'secondary small', text: t('f.agree.edit'), onclick: () => editAgreement(a) }),
        h('button', {
          type: 'button', class: 'secondary small danger', text: t('f.agree.delete'),
          onclick: () => { if (confirm(t('f.agree.delete.confirm'))) send('agreement.delete', { agreement_id: a.id }).catch(showError); },
        })) : null)));
  }

  function editAgreement(a) {
    editingAgreement = a.id;
    const li = ui.agList.querySelector(`[data-agreement-id="${CSS.escape(a.id)}"]`);
    const what = h('input', { id: 'ag-edit-what', type: 'text', maxlength: '300', value: a.text, required: true });
    const who = h('input', { id: 'ag-edit-who', type: 'text', maxlength: '80', value: a.owner || '' });
    const when = h('input', { id: 'ag-edit-when', type: 'date', value: a.due || '' });
    const form = h('form', { class: 'tool-form' },
      h('label', { for: 'ag-edit-what', text: t('f.agree.what') }), what,
      h('label', { for: 'ag-edit-who', text: t('f.agree.who') }), who,
      h('label', { for: 'ag-edit-when', text: t('f.agree.when') }), when,
      h('div', { class: 'row' },
        h('button', { type: 'submit', class: 'primary small', text: t('f.agree.save') }),
        h('button', { type: 'button', class: 'secondary small', text: t('p.edit.cancel'), onclick: () => { editingAgreement = null; render(); } })));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (!what.value.trim()) return;
      editingAgreement = null;
      send('agreement.update', { agreement_id: a.id, text: what.value.trim(), owner: who.value.trim() || null, due: when.value || null })
        .catch(showError);
      render();
    });
    replace(li, form);
    what.focus();
  }
}

function qrImage(code) {
  const img = h('img', { class: 'qr', src: qrUrl(code), alt: t('created.qr'), width: '240', height: '240' });
  img.addEventListener('error', () => {
    img.hidden = true;
    const box = img.closest('.qr-panel');
    if (box) box.hidden = true;
  });
  return img;
}
export { qrImage };
