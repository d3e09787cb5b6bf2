// "Suggest sorting": asks the server for a column and theme per card, shows
// the proposal on the board (each unsorted card tagged with where it would
// go, and ghosts of the suggested themes in their columns), and lets the
// facilitator accept all, a theme, a card, or undo.

import { h, replace } from './dom.js';
import { t } from './i18n.js';

// Below this confidence a suggested column is marked as unsure: on the
// development cards the suggestions under 0.7 were right 29 times in 46,
// those above it 166 in 172; on workshops by other hands 80 in 129 and 257
// in 309 (brug-suggest-eval's bands), so the mark tells the facilitator
// which cards to read for themselves.
const UNSURE = 0.7;

export function suggestPanel(store, send, showError, onChange) {
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
      if (!proposal) return;
      proposal.cards = proposal.cards.filter((c) => !chosen.includes(c.card_id));
      if (!proposal.cards.length) proposal = null;
      render();
      if (onChange) onChange();
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
    if (onChange) onChange();
  }

  function show(frame) {
    const s = store.state;
    // only cards that are still unplaced can take a suggestion
    const cards = (frame.cards || []).filter((sc) => {
      const c = s.cards.find((x) => x.id === sc.card_id);
      return c && !c.column;
    });
    proposal = { cards, themes: frame.themes || [] };
    if (!proposal.cards.length) { proposal = null; msg.textContent = t('f.suggest.none'); }
    render();
    if (onChange) onChange();
  }

  function render() {
    const s = store.state;
    askBtn.hidden = unavailable;
    askBtn.disabled = !s || !s.revealed || s.phase === 'closed';
    acceptAll.hidden = !proposal;
    undoBtn.hidden = !undo;
    if (!proposal) { replace(list); return; }
    const unsure = proposal.cards.filter((sc) => sc.confidence < UNSURE).length;
    replace(list, h('li', {
      class: 'suggest-summary',
      text: unsure ? t('f.suggest.count.unsure', { n: proposal.cards.length, m: unsure }) : t('f.suggest.count', { n: proposal.cards.length }),
    }));
  }

  function isUnsure(cardId) {
    const sc = proposal && proposal.cards.find((c) => c.card_id === cardId);
    return !!sc && sc.confidence < UNSURE;
  }

  // The mark of a suggestion the server is unsure of.
  function unsureMark() {
    return h('span', { class: 'ghost-unsure', role: 'img', title: t('f.suggest.unsure'), 'aria-label': t('f.suggest.unsure'), text: '?' });
  }

  // The proposal's cards of theme `th` that are still unplaced, in the
  // theme's order (the cards most typical of it first).
  function pendingOf(th) {
    const proposed = new Set(proposal.cards.filter((sc) => sc.theme_key === th.key).map((sc) => sc.card_id));
    return (th.card_ids || []).filter((id) => proposed.has(id))
      .map((id) => store.card(id)).filter((c) => c && !c.column);
  }

  // Ghost copies of `cards` where the suggestion would put them, each to accept alone.
  function ghostCards(cards) {
    return h('ul', { class: 'ghost-cards' }, cards.map((c) => {
      const unsure = isUnsure(c.id);
      return h('li', {
        class: `ghost-card kind-${c.kind === 'intention' ? 'intention' : 'concern'}${unsure ? ' unsure' : ''}`,
      },
      h('p', { class: 'ghost-text', text: c.text || '' }),
      unsure ? unsureMark() : null,
      h('button', {
        type: 'button', class: 'ghost-accept', 'aria-label': `${t('f.suggest.one')}: ${c.text || ''}`, title: t('f.suggest.one'),
        onclick: () => apply([c.id]),
      }, '✓'));
    }));
  }

  // The suggested new themes of column `columnId`, as ghosts in that column:
  // the title the suggester gave them, their cards, and one button for all.
  function ghostThemes(columnId) {
    if (!proposal) return [];
    const out = [];
    for (const th of proposal.themes) {
      if (th.column !== columnId || th.cluster_id) continue;
      const cards = pendingOf(th);
      if (!cards.length) continue;
      const title = th.title || t('theme.untitled');
      out.push(h('div', { class: 'theme ghost-theme', role: 'group', 'aria-label': `${t('f.suggest.theme')}: ${title}` },
        h('div', { class: 'theme-head' },
          h('h3', { class: 'theme-title', text: title }),
          h('span', { class: 'ghost-badge', text: t('f.suggest.theme') }),
          h('button', {
            type: 'button', class: 'secondary small ghost-accept-theme', 'aria-label': `${t('f.suggest.theme.accept')}: ${title}`,
            text: t('f.suggest.theme.accept'), onclick: () => apply(cards.map((c) => c.id)),
          })),
        ghostCards(cards)));
    }
    return out;
  }

  // The cards the suggestion adds to the facilitator's own theme `clusterId`.
  function ghostsInto(clusterId) {
    if (!proposal) return null;
    const cards = proposal.themes.filter((th) => th.cluster_id === clusterId).flatMap((th) => pendingOf(th));
    return cards.length ? ghostCards(cards) : null;
  }

  // A ghost placement on the board: where the suggestion would put this card.
  function ghost(cardId) {
    if (!proposal) return null;
    const sc = proposal.cards.find((c) => c.card_id === cardId);
    const card = store.card(cardId);
    if (!sc || !card || card.column) return null;
    const s = store.state;
    const col = s.columns.find((x) => x.id === sc.column);
    const theme = proposal.themes.find((th) => th.key === sc.theme_key);
    const label = `${col ? col.title : sc.column}${theme ? ` › ${theme.title || t('theme.untitled')}` : ''}`;
    const unsure = sc.confidence < UNSURE;
    return h('div', { class: `ghost-tag${unsure ? ' unsure' : ''}` },
      h('span', { class: 'ghost-arrow', 'aria-hidden': 'true', text: '→' }),
      h('span', { class: 'ghost-label', text: label }),
      unsure ? unsureMark() : null,
      h('button', {
        type: 'button', class: 'ghost-accept', 'aria-label': `${t('f.suggest.one')}: ${label}`, title: t('f.suggest.one'),
        onclick: (e) => { e.stopPropagation(); apply([cardId]); },
      }, '✓'));
  }

  return { el, show, render, ghost, ghostThemes, ghostsInto, active: () => !!proposal };
}
