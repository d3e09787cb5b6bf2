// Participant view (/w/{code}), phone first: the question, a card form,
// my own cards, the board after reveal, check-in, dots, timer, agreements.

import { h, replace, announce } from './dom.js';
import { t, tn, initLang, onLangChange } from './i18n.js';
import { Connection } from './connection.js';
import { Store } from './store/state.js';
import { renderBoard } from './board.js';
import { topBar, showStatus, loadingPage, timerView, agreementsList, wordCloud, flashError } from './common.js';

const SAVED_KINDS = new Set(['card.post', 'card.edit', 'checkin.post']);

export function participantView(root, code) {
  const store = new Store();
  const tokenKey = `brug.token.${code}`;
  const outboxKey = `brug.outbox.${code}`;
  let token = null;
  try { token = localStorage.getItem(tokenKey); } catch (_) { /* private mode */ }
  let built = false;
  let ui = null;
  let editing = null;
  let connStatus = 'connecting';
  let fatal = null;
  let checkedIn = false;

  const conn = new Connection(code, () => {
    const hello = { type: 'hello', protocol: 1, role: 'participant' };
    if (token) hello.participant_token = token;
    return hello;
  }, {
    onWelcome: (m) => {
      if (m.participant_token) {
        token = m.participant_token;
        try { localStorage.setItem(tokenKey, token); } catch (_) { /* ignore */ }
      }
      if (!built) initLang(m.state && m.state.language, code);
      store.welcome(m);
    },
    onEvent: (name, data) => {
      store.event(name, data);
      if (name === 'timer.ended' && ui) {
        ui.timerDone.hidden = false;
        announce(t('timer.ended'));
        clearTimeout(ui.timerDoneT);
        ui.timerDoneT = setTimeout(() => { ui.timerDone.hidden = true; }, 15000);
      } else if (name === 'timer.started' && ui) ui.timerDone.hidden = true;
    },
    onPresence: (p) => store.setPresence(p),
    onStatus: (s, detail) => {
      connStatus = s;
      if (s === 'fatal') fatal = detail;
      if (ui) showStatus(ui.status, s, conn.pending(), fatal);
      else if (loading && s !== 'fatal') showStatus(loading, s, conn.pending(), fatal);
      if (!built && s === 'fatal') fatalPage(root, detail);
    },
    onPending: () => {
      saveOutbox();
      if (ui) { showStatus(ui.status, connStatus, conn.pending(), fatal); renderMine(); }
    },
  });

  // Commands typed before a reload but never answered go out again, same nonce.
  function saveOutbox() {
    const list = conn.pendingCommands().filter((c) => SAVED_KINDS.has(c.type))
      .map(({ req, ...rest }) => rest);
    try {
      if (list.length) localStorage.setItem(outboxKey, JSON.stringify(list));
      else localStorage.removeItem(outboxKey);
    } catch (_) { /* ignore */ }
  }
  try {
    const saved = JSON.parse(localStorage.getItem(outboxKey) || '[]');
    for (const c of saved) {
      const { type, ...fields } = c;
      conn.send(type, fields).catch(() => {});
    }
  } catch (_) { /* ignore */ }

  let lastPhase = null;
  store.subscribe((state, what) => {
    if (!built) { build(); built = true; } else if (what.size === 1 && what.has('presence')) return;
    render();
    // a new phase starts at the top of the phone's screen
    const phase = store.state.phase;
    if (lastPhase && phase !== lastPhase && !document.activeElement?.matches('textarea, input')) window.scrollTo(0, 0);
    lastPhase = phase;
  });
  onLangChange(() => { if (built) { build(); render(); } });
  initLang(null, code);
  const loading = loadingPage(root);
  conn.connect();

  function send(type, fields) {
    return conn.send(type, fields);
  }
  const showError = (e) => flashError(ui, e);

  function build() {
    const s = store.state;
    const top = topBar(s.title, code);
    const timer = timerView();
    const error = h('p', { class: 'error-msg', role: 'alert', hidden: true });
    const phaseChip = h('p', { class: 'phase-chip' });
    const timerDone = h('p', { class: 'timer-done', hidden: true, text: t('timer.ended') });

    // lobby
    const secLobby = h('section', { class: 'panel welcome', 'aria-labelledby': 'lobby-h' },
      h('h2', { id: 'lobby-h', text: t('p.lobby') }),
      h('p', { class: 'quiet', text: t('p.anon') }));

    // check-in
    const wordInput = h('input', { id: 'checkin-word', name: 'word', type: 'text', maxlength: '60', autocomplete: 'off', required: true });
    const checkinThanks = h('p', { class: 'ok-msg', role: 'status', hidden: true, text: t('p.checkin.thanks') });
    const checkinForm = h('form', { class: 'checkin-form', id: 'checkin-form' },
      h('label', { for: 'checkin-word', text: t('p.checkin.word') }),
      h('div', { class: 'row' }, wordInput, h('button', { type: 'submit', class: 'primary', text: t('p.checkin.submit') })));
    checkinForm.addEventListener('submit', (e) => {
      e.preventDefault();
      const text = wordInput.value.trim();
      if (!text) return;
      wordInput.value = '';
      checkedIn = true;
      checkinThanks.hidden = false;
      send('checkin.post', { text }).catch((err) => { wordInput.value = text; showError(err); });
    });
    const cloud = h('div', { class: 'cloud-wrap', 'aria-live': 'polite' });
    const secCheckin = h('section', { class: 'panel', 'aria-labelledby': 'checkin-h' },
      h('h2', { id: 'checkin-h', class: 'question', text: t('p.checkin.q') }),
      h('p', { class: 'quiet', text: t('p.checkin.hint') }),
      checkinForm, checkinThanks, cloud);

    // question + card form
    const promptEl = h('h2', { class: 'question', id: 'prompt' });
    const textArea = h('textarea', { id: 'card-text', name: 'text', rows: '4', maxlength: String((s.settings && s.settings.max_card_chars) || 500), required: true, placeholder: t('p.card.text.placeholder.concern') });
    const intentionArea = h('textarea', { id: 'card-intention', name: 'intention', rows: '2', maxlength: String((s.settings && s.settings.max_card_chars) || 500), placeholder: t('p.card.intention.placeholder') });
    const kindConcern = h('input', { type: 'radio', name: 'kind', id: 'kind-concern', value: 'concern', checked: true });
    const kindIntention = h('input', { type: 'radio', name: 'kind', id: 'kind-intention', value: 'intention' });
    const intentionWrap = h('div', { class: 'field intention-field' },
      h('label', { for: 'card-intention', text: t('p.card.intention') }), intentionArea);
    const posted = h('p', { class: 'ok-msg', role: 'status', 'aria-live': 'polite' });
    const cardForm = h('form', { class: 'card-form', id: 'card-form', 'aria-labelledby': 'prompt' },
      h('div', { class: 'field' }, h('label', { for: 'card-text', text: t('p.card.text') }), textArea),
      h('fieldset', { class: 'kind-choice' },
        h('legend', { text: t('p.card.kind') }),
        h('label', { class: 'choice' }, kindConcern, h('span', { text: t('p.card.kind.concern') })),
        h('label', { class: 'choice' }, kindIntention, h('span', { text: t('p.card.kind.intention') }))),
      intentionWrap,
      h('button', { type: 'submit', class: 'primary wide', id: 'card-submit', text: t('p.card.submit') }),
      posted);
    const syncKind = () => {
      const concern = kindConcern.checked;
      intentionWrap.hidden = !concern;
      textArea.placeholder = t(concern ? 'p.card.text.placeholder.concern' : 'p.card.text.placeholder.intention');
    };
    kindConcern.addEventListener('change', syncKind);
    kindIntention.addEventListener('change', syncKind);
    cardForm.addEventListener('submit', (e) => {
      e.preventDefault();
      const text = textArea.value.trim();
      if (!text) { textArea.focus(); return; }
      const kind = kindIntention.checked ? 'intention' : 'concern';
      const fields = { kind, text };
      const intention = intentionArea.value.trim();
      if (kind === 'concern' && intention) fields.intention = intention;
      textArea.value = '';
      intentionArea.value = '';
      kindConcern.checked = true;
      syncKind();
      textArea.focus();
      send('card.post', fields).then(() => {
        posted.textContent = t('p.card.posted');
        setTimeout(() => { posted.textContent = ''; }, 4000);
      }).catch((err) => {
        if (!textArea.value) { textArea.value = fields.text; intentionArea.value = fields.intention || ''; }
        showError(err);
      });
      renderMine();
    });
    const hiddenCount = h('p', { class: 'count', 'aria-live': 'polite' });
    const secWrite = h('section', { class: 'panel write' },
      promptEl, cardForm,
      h('p', { class: 'quiet small', text: t('p.card.hidden') }),
      hiddenCount);

    // my cards
    const mineList = h('ul', { class: 'mine-list' });
    const secMine = h('section', { class: 'panel', 'aria-labelledby': 'mine-h' },
      h('h2', { id: 'mine-h', text: t('p.mine.title') }), mineList);

    // vote
    const dotsLeft = h('p', { class: 'dots-left', role: 'status', 'aria-live': 'polite' });
    const secVote = h('section', { class: 'panel vote-head', 'aria-labelledby': 'vote-h' },
      h('h2', { id: 'vote-h', text: t('p.vote.title') }),
      h('p', { class: 'quiet', text: t('p.vote.hint') }), dotsLeft);

    // board
    const boardEl = h('div', { class: 'board readonly', id: 'board' });
    const secBoard = h('section', { class: 'board-wrap', 'aria-labelledby': 'board-h' },
      h('h2', { id: 'board-h', class: 'section-title', text: t('p.board.title') }), boardEl);

    // agreements & closing
    const agreeEl = h('div');
    const secAgree = h('section', { class: 'panel', 'aria-labelledby': 'agree-h' },
      h('h2', { id: 'agree-h', text: t('agreements.title') }), agreeEl);
    const secClosed = h('section', { class: 'panel closed-msg' }, h('p', { text: t('p.closed') }));

    const main = h('main', { class: 'participant', id: 'main' },
      h('div', { class: 'sticky-bar' }, phaseChip, timerDone, timer.el),
      error, secClosed, secLobby, secCheckin, secWrite, secVote, secMine, secAgree, secBoard);
    replace(root, top.bar, main);
    document.title = `${s.title} · Brug`;
    ui = { ...top, timer, timerDone, error, phaseChip, secLobby, secCheckin, cloud, checkinThanks, secWrite, promptEl,
      hiddenCount, secMine, mineList, secVote, dotsLeft, secBoard, boardEl, secAgree, agreeEl, secClosed };
    showStatus(ui.status, connStatus, conn.pending(), fatal);
    syncKind();
  }

  function render() {
    if (!ui) return;
    const s = store.state;
    const p = s.phase;
    const writing = p === 'reflect' || p === 'cluster';
    ui.setTitle(s.title);
    ui.phaseChip.textContent = t(`phase.${p}`);
    ui.secLobby.hidden = p !== 'lobby';
    ui.secCheckin.hidden = p !== 'checkin';
    ui.checkinThanks.hidden = !checkedIn;
    wordCloud(ui.cloud, s.checkins);
    ui.secWrite.hidden = !writing;
    ui.promptEl.textContent = s.prompt || t('p.prompt.none');
    ui.hiddenCount.textContent = s.hidden_cards ? tn('p.cards.in', s.hidden_cards) : '';
    ui.secMine.hidden = !(writing || (!s.revealed && p !== 'lobby' && p !== 'checkin' && s.cards.some((c) => c.mine)));
    renderMine();
    ui.secVote.hidden = p !== 'vote';
    const left = s.votes.left;
    ui.dotsLeft.textContent = typeof left === 'number' ? tn('p.vote.left', left) : '';
    ui.secBoard.hidden = !s.revealed;
    if (s.revealed) {
      renderBoard(ui.boardEl, store, {
        interactive: false,
        showVotes: p !== 'vote',
        sortByVotes: ['discuss', 'agree', 'closed'].includes(p),
        extra: p === 'vote' ? voteControls : null,
      });
    }
    const al = agreementsList(s.agreements, s.clusters);
    ui.secAgree.hidden = !al;
    replace(ui.agreeEl, al);
    ui.secClosed.hidden = p !== 'closed';
    ui.timer.update(store);
  }

  function voteControls(targetId, title) {
    const s = store.state;
    const mine = s.votes.mine[targetId] || 0;
    const left = s.votes.left ?? 0;
    const wrap = h('div', { class: 'vote-ctl' },
      h('button', {
        type: 'button', class: 'vote-btn minus', disabled: !mine, 'aria-label': t('p.vote.remove', { t: title }),
        dataset: { focusKey: `unvote:${targetId}` },
        onclick: () => send('vote.retract', { target_id: targetId }).then((a) => store.voteAck(targetId, -1, a.left)).catch(showError),
      }, '−'),
      h('span', { class: 'my-dots', 'aria-label': t('p.vote.mine', { n: mine }) },
        ...Array.from({ length: mine }, () => h('span', { class: 'dot', 'aria-hidden': 'true' }))),
      h('button', {
        type: 'button', class: 'vote-btn plus', disabled: left <= 0, 'aria-label': t('p.vote.add', { t: title }),
        dataset: { focusKey: `vote:${targetId}` },
        onclick: () => send('vote.cast', { target_id: targetId }).then((a) => {
          store.voteAck(targetId, 1, a.left);
          announce(tn('p.vote.left', a.left ?? 0));
        }).catch(showError),
      }, '+'));
    return wrap;
  }

  function renderMine() {
    if (!ui || editing) return;
    const s = store.state;
    const writable = s.phase === 'reflect' || s.phase === 'cluster';
    const mine = s.cards.filter((c) => c.mine);
    const pending = conn.pendingCommands().filter((c) => c.type === 'card.post');
    const items = [];
    for (const c of pending) {
      items.push(h('li', { class: `card pending kind-${c.kind}` },
        h('span', { class: 'kind', text: t(`card.${c.kind === 'intention' ? 'intention' : 'concern'}`) }),
        h('p', { class: 'text', text: c.text }),
        c.intention ? h('p', { class: 'beneath' }, h('span', { class: 'beneath-label', text: t('card.beneath') }), ' ', h('span', { text: c.intention })) : null,
        h('p', { class: 'quiet small', text: t('status.pending', { n: 1 }) })));
    }
    for (const c of mine) {
      const kind = c.kind === 'intention' ? 'intention' : 'concern';
      items.push(h('li', { class: `card mine kind-${kind}`, dataset: { cardId: c.id } },
        h('span', { class: 'kind', text: t(`card.${kind}`) }),
        h('p', { class: 'text', text: c.text }),
        c.intention ? h('p', { class: 'beneath' }, h('span', { class: 'beneath-label', text: t('card.beneath') }), ' ', h('span', { class: 'beneath-text', text: c.intention })) : null,
        h('div', { class: 'card-actions' },
          writable ? h('button', { type: 'button', class: 'secondary small edit-card', text: t('p.edit'), onclick: () => startEdit(c) }) : null,
          s.phase !== 'closed' ? h('button', {
            type: 'button', class: 'secondary small danger delete-card', text: t('p.delete'),
            onclick: () => { if (confirm(t('p.delete.confirm'))) send('card.delete', { card_id: c.id }).catch(showError); },
          }) : null)));
    }
    if (!items.length) items.push(h('li', { class: 'quiet', text: t('p.mine.none') }));
    replace(ui.mineList, ...items);
  }

  function startEdit(c) {
    editing = c.id;
    const li = ui.mineList.querySelector(`[data-card-id="${CSS.escape(c.id)}"]`);
    const ta = h('textarea', { id: 'edit-text', rows: '3', maxlength: '500', value: c.text });
    const ia = h('textarea', { id: 'edit-intention', rows: '2', maxlength: '500', value: c.intention || '' });
    const form = h('form', { class: 'edit-form' },
      h('label', { for: 'edit-text', text: t('p.card.text') }), ta,
      c.kind !== 'intention' ? [h('label', { for: 'edit-intention', text: t('p.card.intention') }), ia] : null,
      h('div', { class: 'row' },
        h('button', { type: 'submit', class: 'primary small', text: t('p.edit.save') }),
        h('button', { type: 'button', class: 'secondary small', text: t('p.edit.cancel'), onclick: () => { editing = null; renderMine(); } })));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const fields = { card_id: c.id };
      const text = ta.value.trim();
      if (!text) { ta.focus(); return; }
      if (text !== c.text) fields.text = text;
      if (c.kind !== 'intention' && ia.value.trim() && ia.value.trim() !== (c.intention || '')) fields.intention = ia.value.trim();
      editing = null;
      if (Object.keys(fields).length > 1) send('card.edit', fields).catch(showError);
      renderMine();
    });
    replace(li, form);
    ta.focus();
  }
}

export function fatalPage(root, code) {
  const key = `close.${code}`;
  const msg = t(key) === key ? t('close.other') : t(key);
  replace(root, h('main', { class: 'center-page' },
    h('section', { class: 'panel' },
      h('h1', { text: t('app.name') }),
      h('p', { role: 'alert', text: msg }),
      h('a', { href: '/', class: 'button primary', text: t('home.back') }))));
}
