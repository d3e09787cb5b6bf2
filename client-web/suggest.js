// "Suggest sorting": asks the server for a column and theme per card, shows
// the proposal, and lets the facilitator accept all, accept per card, or undo.

import { h, replace } from './dom.js';
import { t } from './i18n.js';

export function suggestPanel(store, send, showError) {
  let proposal = null;     // last suggestions frame
  let undo = null;         // [{card_id, column, cluster_id, position}] before the last apply
  let clustersBefore = null;
  let unavailable = false;
  const list = h('ul', { class: 'suggest-list' });
  const msg = h('p', { class: 'tool-msg', role: 'status', 'aria-live': 'polite' });
  const askBtn = h('button', {
    type: 'button', class: 'secondary small', id: 'suggest-ask', text: t('f.suggest'),
    onclick: () => {
      msg.textContent = '';
      send('suggest.request', {}).catch((e) => {
        if (e.code === 'unknown_type' || e.code === 'bad_message') { unavailable = true; msg.textContent = t('f.suggest.none'); render(); } else showError(e);
      });
    },
  });
  const acceptAll = h('button', { type: 'button', class: 'primary small', id: 'suggest-accept', text: t('f.suggest.accept'), onclick: () => apply(null) });
  const undoBtn = h('button', { type: 'button', class: 'secondary small', id: 'suggest-undo', text: t('f.suggest.undo'), onclick: doUndo });
  const el = h('div', { class: 'suggest' }, h('div', { class: 'row wrap' }, askBtn, acceptAll, undoBtn), msg, list);

  function snapshot(ids) {
    const s = store.state;
    undo = ids.map((id) => s.cards.find((c) => c.id === id)).filter(Boolean)
      .map((c) => ({ card_id: c.id, column: c.column ?? null, cluster_id: c.cluster_id ?? null, position: c.position ?? 0 }));
    clustersBefore = new Set(s.clusters.map((k) => k.id));
  }

  function apply(ids) {
    if (!proposal) return;
    const all = proposal.cards.map((c) => c.card_id);
    const chosen = ids || all;
    snapshot(chosen);
    send('suggest.apply', ids ? { card_ids: ids } : {}).then(() => {
      proposal.cards = proposal.cards.filter((c) => !chosen.includes(c.card_id));
      if (!proposal.cards.length) proposal = null;
      render();
    }).catch(showError);
  }

  async function doUndo() {
    if (!undo) return;
    const moves = undo.slice().sort((a, b) => a.position - b.position);
    undo = null;
    for (const m of moves) {
      try { await send('card.move', m); } catch (e) { /* the card may be gone */ }
    }
    const s = store.state;
    for (const k of s.clusters) {
      if (clustersBefore && !clustersBefore.has(k.id) && !s.cards.some((c) => c.cluster_id === k.id)) {
        send('cluster.delete', { cluster_id: k.id }).catch(() => {});
      }
    }
    render();
  }

  function show(frame) {
    proposal = { cards: (frame.cards || []).slice(), themes: frame.themes || [] };
    if (!proposal.cards.length) { proposal = null; msg.textContent = t('f.suggest.none'); }
    render();
  }

  function render() {
    const s = store.state;
    askBtn.hidden = unavailable;
    askBtn.disabled = !s || !s.revealed || s.phase === 'closed';
    acceptAll.hidden = !proposal;
    undoBtn.hidden = !undo;
    if (!proposal) { replace(list); return; }
    const colTitle = (id) => { const c = s.columns.find((x) => x.id === id); return c ? c.title : id; };
    replace(list, ...proposal.cards.map((sc) => {
      const card = s.cards.find((c) => c.id === sc.card_id);
      if (!card) return null;
      const theme = proposal.themes.find((th) => th.key === sc.theme_key);
      return h('li', { class: 'ghost' },
        h('p', { class: 'ghost-text', text: card.text }),
        h('p', { class: 'ghost-to' }, '→ ', h('strong', { text: colTitle(sc.column) }), theme ? ` › ${theme.title}` : ''),
        h('button', { type: 'button', class: 'secondary small', text: t('f.suggest.accept').replace(/^.*$/, '✓'), 'aria-label': `${t('f.suggest.accept')}: ${card.text}`, onclick: () => apply([sc.card_id]) }));
    }));
  }

  return { el, show, render };
}
