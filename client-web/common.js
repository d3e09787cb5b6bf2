// Pieces both workshop views share: the top bar, the connection status,
// the timer, the agreements list and the check-in cloud.

import { h, replace } from './dom.js';
import { t, errorText, lang, setLang, otherLang } from './i18n.js';

export function topBar(title, code, extra) {
  const status = h('p', { class: 'conn', role: 'status', 'aria-live': 'polite', id: 'conn-status' });
  const langBtn = h('button', {
    type: 'button', class: 'lang-btn', id: 'lang-switch', lang: otherLang(),
    'aria-label': `${t('lang.short')}: ${t('lang.switch.label')}`, title: t('lang.switch'), text: t('lang.short'),
    onclick: () => setLang(otherLang(), code),
  });
  const bar = h('header', { class: 'topbar' },
    h('a', { class: 'brand', href: '/', 'aria-label': `${t('app.name')}: ${t('home.back')}` },
      h('img', { src: '/favicon.svg', alt: '', width: '28', height: '28' }), h('span', { text: t('app.name') })),
    h('h1', { class: 'ws-title', id: 'ws-title', text: title || '' }),
    extra || null,
    status,
    langBtn);
  return { bar, status, setTitle: (s) => { bar.querySelector('#ws-title').textContent = s; } };
}

export function showStatus(el, status, pending, fatalCode) {
  el.classList.remove('offline', 'fatal', 'online');
  if (status === 'fatal') {
    el.classList.add('fatal');
    el.textContent = t(`close.${fatalCode}`) !== `close.${fatalCode}` ? t(`close.${fatalCode}`) : t('close.other');
    return;
  }
  if (status === 'online') {
    el.classList.add('online');
    el.textContent = pending ? t('status.pending', { n: pending }) : '';
    return;
  }
  el.classList.add('offline');
  el.textContent = status === 'connecting' ? t('status.connecting') : t('status.reconnecting');
}

export function fmtTime(ms) {
  const total = Math.ceil(ms / 1000);
  const m = Math.floor(total / 60);
  const s = total % 60;
  return `${m}:${String(s).padStart(2, '0')}`;
}

// A ticking timer display; returns {el, update(store)}.
export function timerView() {
  const el = h('div', { class: 'timer', role: 'timer', 'aria-label': t('timer.label'), hidden: true });
  let tick = null;
  function update(store) {
    clearInterval(tick);
    const draw = () => {
      const ms = store.remainingMs();
      if (ms === null) { el.hidden = true; clearInterval(tick); return; }
      el.hidden = false;
      el.textContent = fmtTime(ms);
      el.classList.toggle('ending', ms <= 30000);
      el.classList.toggle('done', ms === 0);
    };
    draw();
    if (store.remainingMs() !== null) tick = setInterval(draw, 250);
  }
  return { el, update };
}

export function agreementsList(agreements, clusters) {
  if (!agreements.length) return null;
  const ul = h('ul', { class: 'agreements' });
  for (const a of agreements) {
    const theme = a.cluster_id ? clusters.find((k) => k.id === a.cluster_id) : null;
    ul.appendChild(h('li', { class: 'agreement' },
      h('p', { class: 'agreement-text', text: a.text }),
      h('p', { class: 'agreement-meta' },
        a.owner ? h('span', null, h('span', { class: 'meta-label', text: `${t('agreements.who')}: ` }), h('span', { text: a.owner })) : null,
        a.due ? h('span', null, h('span', { class: 'meta-label', text: `${t('agreements.when')}: ` }), h('time', { datetime: a.due, text: fmtDate(a.due) })) : null,
        theme ? h('span', { class: 'agreement-theme', text: theme.title }) : null)));
  }
  return ul;
}

export function fmtDate(iso) {
  const d = new Date(`${iso}T12:00:00`);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleDateString(lang() === 'nl' ? 'nl-NL' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric' });
}

// Check-in words as a cloud: the same word given twice grows.
export function wordCloud(el, words) {
  const counts = new Map();
  for (const w of words) {
    const k = w.trim().toLowerCase();
    if (!k) continue;
    const e = counts.get(k) || { word: w.trim(), n: 0 };
    e.n += 1;
    counts.set(k, e);
  }
  const list = Array.from(counts.values());
  const max = Math.max(1, ...list.map((x) => x.n));
  const ul = h('ul', { class: 'cloud' });
  list.forEach((x, i) => {
    const li = h('li', { class: `word tone-${i % 4}`, text: x.word });
    li.style.fontSize = `${(1 + (x.n / max) * 1.6).toFixed(2)}em`;
    if (x.n > 1) li.setAttribute('aria-label', `${x.word} (${x.n})`);
    ul.appendChild(li);
  });
  replace(el, ul);
  return list.length;
}

export function phaseNames() {
  return ['lobby', 'checkin', 'reflect', 'cluster', 'vote', 'discuss', 'agree', 'closed'];
}

// Shown until the first welcome: the status, quietly, so a page opened
// without a connection is not blank.
export function loadingPage(root) {
  const status = h('p', { class: 'conn offline', role: 'status', 'aria-live': 'polite', id: 'conn-status', text: t('status.connecting') });
  replace(root,
    h('header', { class: 'topbar' },
      h('a', { class: 'brand', href: '/' }, h('img', { src: '/favicon.svg', alt: '', width: '28', height: '28' }), h('span', { text: t('app.name') })),
      status),
    h('main', { class: 'center-page loading', id: 'main' }, h('p', { class: 'quiet', text: t('loading') })));
  return status;
}

// Shows a refused command's message in a view's error line for a few
// seconds. `ui` may not be built yet (then there is nowhere to show it).
export function flashError(ui, e) {
  if (!ui) return;
  ui.error.textContent = errorText(e);
  ui.error.hidden = false;
  clearTimeout(ui.errorTimer);
  ui.errorTimer = setTimeout(() => { ui.error.hidden = true; }, 8000);
}
