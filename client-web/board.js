// The board: columns side by side, themes inside them, cards inside those.
// Read-only for participants; for the facilitator cards move by drag and drop
// (HTML5) and by keyboard (Enter or M opens a move menu, arrows shift columns).

import { h, replace } from './dom.js';
import { t, tn } from './i18n.js';

let dragging = null;           // card id while an HTML5 drag is under way
let deferred = null;           // a render that waited for the drag to end
let rerender = null;           // the last render, to redraw after a local change
const renaming = new Set();    // theme ids whose title is being edited in place

export function isDragging() { return dragging !== null; }

function colTitle(col) {
  return col.title || t(`col.${col.id}`);
}

export function votesBadge(n, extraClass = '') {
  if (!n) return null;
  return h('span', { class: `votes ${extraClass}`, 'aria-label': tn('board.votes', n) },
    h('span', { class: 'dot', 'aria-hidden': 'true' }), String(n));
}

export function cardView(card, opts = {}) {
  const kind = card.kind === 'intention' ? 'intention' : 'concern';
  const li = h('li', {
    class: `card kind-${kind}${card.mine ? ' mine' : ''}`,
    dataset: { cardId: card.id, focusKey: `card:${card.id}` },
  },
  opts.votes ? votesBadge(opts.votes) : null,
  h('span', { class: 'kind', text: t(`card.${kind}`) }),
  card.mine ? h('span', { class: 'mine-tag', text: t('card.mine') }) : null,
  h('p', { class: 'text', text: card.text || '' }),
  card.intention ? h('p', { class: 'beneath' },
    h('span', { class: 'beneath-label', text: t('card.beneath') }), ' ',
    h('span', { class: 'beneath-text', text: card.intention })) : null,
  opts.extra ? opts.extra : null);
  return li;
}

// opts: { interactive, send, showVotes, sortByVotes, extra(targetId, title) → Node,
//         onAnnounce(msg), ghost(cardId) → Node (a suggestion on an unsorted card),
//         ghostThemes(columnId) → [Node] (suggested themes), ghostsInto(clusterId) → Node,
//         onSimilar(card) ("find similar", a button and the S key on every card) }
export function renderBoard(container, store, opts = {}) {
  rerender = () => renderBoard(container, store, opts);
  if (dragging) { deferred = rerender; return; }
  const s = store.state;
  const focusKey = document.activeElement && document.activeElement.dataset
    ? document.activeElement.dataset.focusKey : null;
  const kept = new Map();
  for (const inp of container.querySelectorAll('input[data-focus-key]')) if (inp.value) kept.set(inp.dataset.focusKey, inp.value);
  const votes = (opts.showVotes && s.votes.per_target) || {};
  const columns = [];
  const unplaced = store.group(null, null);
  const sorting = ['lobby', 'checkin', 'reflect', 'cluster'].includes(s.phase);
  if (unplaced.length || (opts.interactive && sorting)) {
    columns.push({ id: null, title: t('board.unplaced'), unplaced: true });
  }
  for (const c of s.columns) columns.push(c);

  const grid = h('div', { class: `columns cols-${columns.length}${columns[0] && columns[0].unplaced && !unplaced.length ? ' unplaced-empty' : ''}` });
  for (const col of columns) grid.appendChild(columnView(col, store, opts, votes));
  replace(container, grid);
  if (opts.interactive) container.appendChild(h('p', { class: 'hint', id: 'move-help', text: t('move.help') }));

  for (const [k, v] of kept) {
    const inp = container.querySelector(`input[data-focus-key="${CSS.escape(k)}"]`);
    if (inp) inp.value = v;
  }
  if (focusKey) {
    const el = container.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`);
    if (el) {
      el.focus();
      // A redraw (someone else's change) must not move the caret of a text
      // being typed back to the start.
      if (el.tagName === 'INPUT' && el.type === 'text') el.setSelectionRange(el.value.length, el.value.length);
    }
  }
}

function columnView(col, store, opts, votes) {
  const s = store.state;
  const headId = `col-h-${col.id || 'unplaced'}`;
  const sec = h('section', {
    class: `column${col.unplaced ? ' unplaced' : ''}`,
    'aria-labelledby': headId,
    dataset: { column: col.id || '' },
  }, h('h2', { id: headId, class: 'column-title', text: col.unplaced ? col.title : colTitle(col) }));

  if (!col.unplaced) {
    let themes = s.clusters.filter((k) => k.column === col.id)
      .sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
    if (opts.sortByVotes) themes = themes.slice().sort((a, b) => (votes[b.id] || 0) - (votes[a.id] || 0));
    for (const k of themes) sec.appendChild(themeView(k, col, store, opts, votes));
    if (opts.ghostThemes) for (const g of opts.ghostThemes(col.id)) sec.appendChild(g);
  }
  const loose = store.group(col.id ?? null, null);
  const zone = cardList(loose, col.id ?? null, null, store, opts, votes);
  const wrap = h('div', { class: 'unthemed' },
    !col.unplaced && s.clusters.some((k) => k.column === col.id) && loose.length
      ? h('h3', { class: 'unthemed-title', text: t('board.unthemed') }) : null,
    zone);
  sec.appendChild(wrap);
  if (!loose.length && !s.clusters.some((k) => k.column === col.id)) {
    zone.appendChild(h('li', { class: 'empty', 'aria-hidden': 'true', text: t('board.empty') }));
  }
  if (col.unplaced && !loose.length) sec.classList.add('is-empty');
  if (!col.unplaced && opts.interactive && s.phase !== 'closed') sec.appendChild(newThemeForm(col, opts));
  return sec;
}

function themeView(k, col, store, opts, votes) {
  const s = store.state;
  const cards = store.group(col.id, k.id);
  const titleId = `theme-${k.id}`;
  const title = k.title || t('theme.untitled');
  const editable = opts.interactive && s.phase !== 'closed';
  if (editable && renaming.has(k.id)) {
    return h('div', { class: 'theme', role: 'group', 'aria-labelledby': titleId, dataset: { cluster: k.id } },
      renameForm(k, titleId, opts), cardList(cards, col.id, k.id, store, opts, votes));
  }
  const head = h('div', { class: 'theme-head' },
    h('h3', { id: titleId, class: `theme-title${k.title ? '' : ' untitled'}`, text: title }),
    opts.showVotes ? votesBadge(votes[k.id]) : null);
  if (editable) {
    head.appendChild(h('div', { class: 'theme-tools' },
      h('button', {
        type: 'button', class: 'icon-btn', dataset: { focusKey: `rename:${k.id}` },
        'aria-label': `${t('theme.rename')}: ${title}`, title: t('theme.rename'),
        onclick: () => renameTheme(k),
      }, '✎'),
      h('button', {
        type: 'button', class: 'icon-btn danger', 'aria-label': `${t('theme.delete')}: ${title}`,
        title: t('theme.delete'),
        onclick: () => {
          if (confirm(t('theme.delete.confirm', { t: title }))) opts.send('cluster.delete', { cluster_id: k.id }).catch(opts.onError);
        },
      }, '×')));
  }
  if (opts.extra) {
    const x = opts.extra(k.id, title);
    if (x) head.appendChild(x);
  }
  return h('div', { class: 'theme', role: 'group', 'aria-labelledby': titleId, dataset: { cluster: k.id } },
    head, cardList(cards, col.id, k.id, store, opts, votes),
    opts.ghostsInto ? opts.ghostsInto(k.id) : null);
}

function cardList(cards, column, clusterId, store, opts, votes) {
  const ul = h('ul', {
    class: 'cards dropzone',
    dataset: { column: column ?? '', cluster: clusterId ?? '' },
  });
  for (const c of cards) {
    const li = cardView(c, {
      votes: opts.showVotes ? votes[c.id] : 0,
      extra: opts.extra ? opts.extra(c.id, c.text) : null,
    });
    if (opts.ghost) {
      const g = opts.ghost(c.id);
      if (g) { li.appendChild(g); li.classList.add('has-ghost'); }
    }
    if (opts.interactive) makeMovable(li, c, store, opts);
    ul.appendChild(li);
  }
  if (opts.interactive && clusterId && !cards.length) {
    ul.appendChild(h('li', { class: 'empty', 'aria-hidden': 'true', text: t('theme.drop') }));
  }
  if (opts.interactive) makeDropzone(ul, column, clusterId, opts);
  return ul;
}

function makeMovable(li, card, store, opts) {
  const s = store.state;
  if (s.phase === 'closed') return;
  li.tabIndex = 0;
  li.draggable = true;
  li.setAttribute('aria-describedby', 'move-help');
  li.setAttribute('aria-label', `${t(`card.${card.kind === 'intention' ? 'intention' : 'concern'}`)}: ${card.text}`);
  li.appendChild(h('button', {
    type: 'button', class: 'icon-btn card-del', 'aria-label': t('card.delete'), title: t('card.delete'),
    tabindex: '-1',
    onclick: (e) => {
      e.stopPropagation();
      if (confirm(t('card.delete.confirm'))) opts.send('card.delete', { card_id: card.id }).catch(opts.onError);
    },
  }, '×'));
  if (opts.onSimilar) {
    li.appendChild(h('button', {
      type: 'button', class: 'icon-btn card-similar', 'aria-label': t('card.similar'), title: t('card.similar'),
      tabindex: '-1',
      onclick: (e) => { e.stopPropagation(); opts.onSimilar(card); },
    }, '≈'));
  }
  li.addEventListener('dragstart', (e) => {
    dragging = card.id;
    e.dataTransfer.setData('text/plain', card.id);
    e.dataTransfer.effectAllowed = 'move';
    li.classList.add('dragging');
    document.body.classList.add('is-dragging');
  });
  li.addEventListener('dragend', () => {
    dragging = null;
    li.classList.remove('dragging');
    document.body.classList.remove('is-dragging');
    const d = deferred; deferred = null;
    if (d) d();
  });
  li.addEventListener('keydown', (e) => {
    if (e.target !== li) return;
    if (e.key === 'Enter' || e.key === ' ' || e.key === 'm' || e.key === 'M') {
      e.preventDefault();
      openMoveMenu(card, store, opts, li);
    } else if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      e.preventDefault();
      const ids = [null, ...s.columns.map((c) => c.id)];
      const at = ids.indexOf(card.column ?? null);
      const next = ids[at + (e.key === 'ArrowRight' ? 1 : -1)];
      if (next === undefined) return;
      move(card.id, next, null, undefined, opts, next ? colTitle(s.columns.find((c) => c.id === next)) : t('board.unplaced'));
    } else if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
      e.preventDefault();
      const pos = (card.position ?? 0) + (e.key === 'ArrowDown' ? 1 : -1);
      const size = store.group(card.column ?? null, card.cluster_id ?? null).length;
      if (pos < 0 || pos >= size) return;
      move(card.id, card.column ?? null, card.cluster_id ?? null, pos, opts);
    } else if ((e.key === 's' || e.key === 'S') && opts.onSimilar) {
      e.preventDefault();
      opts.onSimilar(card);
    } else if (e.key === 'Delete') {
      e.preventDefault();
      if (confirm(t('card.delete.confirm'))) opts.send('card.delete', { card_id: card.id }).catch(opts.onError);
    }
  });
}

function move(cardId, column, clusterId, position, opts, label) {
  const fields = { card_id: cardId, column, cluster_id: clusterId };
  if (typeof position === 'number') fields.position = position;
  opts.send('card.move', fields).then(() => {
    if (opts.onAnnounce && label) opts.onAnnounce(t('move.done', { t: label }));
  }).catch(opts.onError);
}

function makeDropzone(ul, column, clusterId, opts) {
  ul.addEventListener('dragover', (e) => {
    if (!dragging) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'move';
    ul.classList.add('over');
  });
  ul.addEventListener('dragleave', (e) => {
    if (!ul.contains(e.relatedTarget)) ul.classList.remove('over');
  });
  ul.addEventListener('drop', (e) => {
    e.preventDefault();
    ul.classList.remove('over');
    const id = e.dataTransfer.getData('text/plain') || dragging;
    if (!id) return;
    const items = Array.from(ul.querySelectorAll(':scope > li.card')).filter((x) => x.dataset.cardId !== id);
    let pos = items.length;
    for (let i = 0; i < items.length; i += 1) {
      const r = items[i].getBoundingClientRect();
      if (e.clientY < r.top + r.height / 2) { pos = i; break; }
    }
    move(id, column, clusterId, pos, opts);
  });
}

function openMoveMenu(card, store, opts, li) {
  const s = store.state;
  const targets = [{ label: t('board.unplaced'), column: null, cluster: null }];
  for (const col of s.columns) {
    targets.push({ label: colTitle(col), column: col.id, cluster: null });
    for (const k of s.clusters.filter((x) => x.column === col.id)) {
      targets.push({ label: `${colTitle(col)} › ${k.title || t('theme.untitled')}`, column: col.id, cluster: k.id, theme: true });
    }
  }
  const dlg = h('dialog', { class: 'move-menu', 'aria-labelledby': 'move-title' },
    h('h2', { id: 'move-title', text: t('move.title') }),
    h('p', { class: 'move-card-text', text: card.text }));
  const list = h('ul', { class: 'move-targets' });
  for (const tg of targets) {
    const here = (card.column ?? null) === tg.column && (card.cluster_id ?? null) === tg.cluster;
    list.appendChild(h('li', null, h('button', {
      type: 'button', class: `move-target${tg.theme ? ' theme-target' : ''}`, disabled: here,
      onclick: () => { dlg.close(); move(card.id, tg.column, tg.cluster, undefined, opts, tg.label); },
    }, t('move.to', { t: tg.label }))));
  }
  dlg.appendChild(list);
  dlg.appendChild(h('button', { type: 'button', class: 'secondary', onclick: () => dlg.close() }, t('move.cancel')));
  dlg.addEventListener('close', () => { dlg.remove(); if (document.body.contains(li)) li.focus(); else refocus(card.id); });
  document.body.appendChild(dlg);
  dlg.showModal();
  const first = dlg.querySelector('.move-target:not([disabled])');
  if (first) first.focus();
}

function refocus(cardId) {
  setTimeout(() => {
    const el = document.querySelector(`[data-focus-key="card:${CSS.escape(cardId)}"]`);
    if (el) el.focus();
  }, 150);
}

function newThemeForm(col, opts) {
  const id = `new-theme-${col.id}`;
  const input = h('input', { id, type: 'text', maxlength: '80', required: true, dataset: { focusKey: `newtheme:${col.id}` }, placeholder: t('theme.new.placeholder'), autocomplete: 'off' });
  const form = h('form', { class: 'new-theme', dataset: { column: col.id } },
    h('label', { for: id, class: 'sr-only', text: `${t('theme.new')} (${colTitle(col)})` }),
    input,
    h('button', { type: 'submit', class: 'secondary small', text: t('theme.add') }));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const title = input.value.trim();
    if (!title) return;
    opts.send('cluster.create', { column: col.id, title }).then(() => { input.value = ''; }).catch(opts.onError);
  });
  return form;
}

// Renaming happens in place, in the theme's head: a dialog box would cover
// the board the whole room is looking at.
function renameTheme(k) {
  renaming.add(k.id);
  if (rerender) rerender();
  const inp = document.querySelector(`input[data-focus-key="${CSS.escape(`rename-input:${k.id}`)}"]`);
  if (inp) { inp.focus(); inp.select(); }
}

function renameForm(k, titleId, opts) {
  const done = () => { renaming.delete(k.id); if (rerender) rerender(); };
  const input = h('input', {
    id: `rename-${k.id}`, type: 'text', maxlength: '80', value: k.title || '', autocomplete: 'off',
    class: 'rename-input', dataset: { focusKey: `rename-input:${k.id}` },
    'aria-label': t('theme.rename.label', { t: k.title || t('theme.untitled') }),
  });
  input.addEventListener('keydown', (e) => { if (e.key === 'Escape') { e.preventDefault(); done(); } });
  const form = h('form', { class: 'theme-head rename-form' },
    h('span', { id: titleId, class: 'sr-only', text: k.title || t('theme.untitled') }),
    input,
    h('button', { type: 'submit', class: 'secondary small', text: t('theme.rename.save') }),
    h('button', { type: 'button', class: 'icon-btn', 'aria-label': t('theme.rename.cancel'), title: t('theme.rename.cancel'), onclick: done }, '×'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = input.value.trim();
    if (!v || v === k.title) { done(); return; }
    opts.send('cluster.rename', { cluster_id: k.id, title: v }).then(done).catch(opts.onError);
  });
  return form;
}
