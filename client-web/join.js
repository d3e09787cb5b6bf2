// Start page (/): join with a code, or start a workshop.

import { h, replace, normalizeCode } from './dom.js';
import { t, initLang, setLang, otherLang, onLangChange, lang } from './i18n.js';
import { createWorkshop } from './api.js';
import { qrImage } from './facilitator.js';

export function joinView(root) {
  initLang(null, '');
  let created = null;
  const draft = { title: '', columns: null };
  build();
  onLangChange(build);

  function build() {
    const langBtn = h('button', {
      type: 'button', class: 'lang-btn', id: 'lang-switch', lang: otherLang(),
      'aria-label': `${t('lang.short')}: ${t('lang.switch.label')}`, title: t('lang.switch'), text: t('lang.short'),
      onclick: () => setLang(otherLang(), ''),
    });
    const top = h('header', { class: 'topbar home' },
      h('a', { class: 'brand', href: '/' }, h('img', { src: '/favicon.svg', alt: '', width: '28', height: '28' }), h('span', { text: t('app.name') })),
      h('span', { class: 'spacer' }), langBtn);
    const main = h('main', { class: 'home', id: 'main' },
      h('div', { class: 'hero' },
        h('h1', { text: t('app.name') }),
        h('p', { class: 'tagline', text: t('app.tagline') })),
      created ? createdPanel(created) : h('div', { class: 'home-grid' }, h('div', null, joinForm(), howItWorks()), startForm()));
    replace(root, top, main);
    document.title = 'Brug';
  }

  function howItWorks() {
    return h('section', { class: 'panel how', 'aria-labelledby': 'how-h' },
      h('h2', { id: 'how-h', text: t('how.title') }),
      h('ol', { class: 'how-steps' },
        ...[1, 2, 3, 4].map((n) => h('li', null,
          h('strong', { text: t(`how.${n}.t`) }), ' ',
          h('span', { class: 'quiet', text: t(`how.${n}.d`) })))));
  }

  function joinForm() {
    const input = h('input', { id: 'join-code', name: 'code', type: 'text', autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', inputmode: 'text', placeholder: t('join.code.placeholder'), required: true, 'aria-describedby': 'join-msg' });
    const msg = h('p', { id: 'join-msg', class: 'field-msg', 'aria-live': 'polite' });
    const form = h('form', { class: 'panel join', id: 'join-form', 'aria-labelledby': 'join-h' },
      h('h2', { id: 'join-h', text: t('join.title') }),
      h('p', { class: 'quiet', text: t('join.intro') }),
      h('label', { for: 'join-code', text: t('join.code') }),
      h('div', { class: 'row' }, input, h('button', { type: 'submit', class: 'primary', text: t('join.submit') })),
      msg);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const code = normalizeCode(input.value);
      if (!code) { msg.textContent = t('join.bad'); input.setAttribute('aria-invalid', 'true'); input.focus(); return; }
      location.assign(`/w/${code}`);
    });
    return form;
  }

  function startForm() {
    const title = h('input', { id: 'ws-title-input', name: 'title', type: 'text', maxlength: '120', required: true, placeholder: t('start.name.placeholder'), value: draft.title });
    title.addEventListener('input', () => { draft.title = title.value; });
    const language = h('select', { id: 'ws-lang', name: 'language' },
      h('option', { value: 'nl', text: 'Nederlands', selected: lang() === 'nl' }),
      h('option', { value: 'en', text: 'English', selected: lang() === 'en' }));
    if (!draft.columns) draft.columns = [t('col.behouden'), t('col.vernieuwen')];
    const colList = h('ol', { class: 'col-list' });
    const drawCols = () => {
      replace(colList, ...draft.columns.map((v, i) => {
        const id = `col-${i}`;
        const inp = h('input', { id, type: 'text', maxlength: '40', required: true, value: v });
        inp.addEventListener('input', () => { draft.columns[i] = inp.value; });
        return h('li', { class: 'row' },
          h('label', { for: id, class: 'sr-only', text: t('start.column.n', { n: i + 1 }) }), inp,
          draft.columns.length > 1 ? h('button', {
            type: 'button', class: 'icon-btn', 'aria-label': t('start.column.remove', { n: i + 1 }), title: t('start.column.remove', { n: i + 1 }),
            onclick: () => { draft.columns.splice(i, 1); drawCols(); },
          }, '×') : null);
      }));
      addBtn.hidden = draft.columns.length >= 6;
    };
    const addBtn = h('button', { type: 'button', class: 'secondary small', text: t('start.column.add'), onclick: () => { draft.columns.push(''); drawCols(); colList.querySelector('li:last-child input').focus(); } });
    drawCols();
    const threshold = h('input', { id: 'ws-threshold', type: 'number', min: '1', max: '50', value: '3', inputmode: 'numeric', 'aria-describedby': 'ws-threshold-hint' });
    const votes = h('input', { id: 'ws-votes', type: 'number', min: '1', max: '20', value: '3', inputmode: 'numeric' });
    const msg = h('p', { class: 'error-msg', role: 'alert', hidden: true });
    const submit = h('button', { type: 'submit', class: 'primary wide', id: 'ws-create', text: t('start.submit') });
    const form = h('form', { class: 'panel start', id: 'start-form', 'aria-labelledby': 'start-h' },
      h('h2', { id: 'start-h', text: t('start.title') }),
      h('p', { class: 'quiet', text: t('start.intro') }),
      h('div', { class: 'field' }, h('label', { for: 'ws-title-input', text: t('start.name') }), title),
      h('div', { class: 'field' }, h('label', { for: 'ws-lang', text: t('start.language') }), language),
      h('fieldset', { class: 'field' }, h('legend', { text: t('start.columns') }),
        h('p', { class: 'quiet small', text: t('start.columns.hint') }), colList, addBtn),
      h('div', { class: 'two-fields' },
        h('div', { class: 'field' }, h('label', { for: 'ws-threshold', text: t('start.threshold') }), threshold),
        h('div', { class: 'field' }, h('label', { for: 'ws-votes', text: t('start.votes') }), votes)),
      h('p', { id: 'ws-threshold-hint', class: 'quiet small', text: t('start.threshold.hint') }),
      msg, submit);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      msg.hidden = true;
      const names = draft.columns.map((c) => c.trim()).filter(Boolean);
      const columns = columnIds(names);
      const body = {
        title: title.value.trim(),
        language: language.value,
        columns,
        settings: { votes_per_participant: Number(votes.value) || 3, anonymity_threshold: Number(threshold.value) || 3 },
      };
      submit.disabled = true;
      submit.textContent = t('start.busy');
      try {
        const res = await createWorkshop(body);
        const key = /key=([^&]+)/.exec(res.facilitator_url || '');
        try {
          if (key) { localStorage.setItem(`brug.fkey.${res.code}`, decodeURIComponent(key[1])); }
          localStorage.setItem(`brug.lang.${res.code}`, body.language);
        } catch (_) { /* ignore */ }
        created = res;
        setLang(body.language, '');
        build();
        const h2 = document.getElementById('created-h');
        if (h2) h2.focus();
      } catch (err) {
        msg.textContent = t('start.error', { msg: err.message });
        msg.hidden = false;
        submit.disabled = false;
        submit.textContent = t('start.submit');
      }
    });
    return form;
  }

  function createdPanel(res) {
    const plink = `${location.origin}${res.participant_url || `/w/${res.code}`}`;
    const flink = `${location.origin}${res.facilitator_url}`;
    const copied = h('span', { class: 'copied', role: 'status', 'aria-live': 'polite' });
    const copyBtn = h('button', {
      type: 'button', class: 'secondary', id: 'copy-flink', text: t('created.copy'),
      onclick: async () => {
        try { await navigator.clipboard.writeText(flink); } catch (_) {
          const sel = window.getSelection(); const r = document.createRange();
          r.selectNodeContents(document.getElementById('flink')); sel.removeAllRanges(); sel.addRange(r);
          try { document.execCommand('copy'); } catch (__) { /* ignore */ }
        }
        copied.textContent = t('created.copied');
      },
    });
    return h('section', { class: 'created', 'aria-labelledby': 'created-h' },
      h('h2', { id: 'created-h', tabindex: '-1', text: t('created.title') }),
      h('div', { class: 'created-grid' },
        h('div', { class: 'panel' },
          h('p', { class: 'label', text: t('created.code') }),
          h('p', { class: 'big-code', id: 'created-code', text: res.code }),
          h('p', { class: 'label', text: t('created.plink') }),
          h('p', null, h('a', { href: plink, id: 'plink', class: 'link-text', text: plink }))),
        h('div', { class: 'panel qr-panel' }, qrImage(res.code))),
      h('div', { class: 'panel keep' },
        h('p', { class: 'label', text: t('created.flink') }),
        h('p', { class: 'warn-text', text: t('created.keep') }),
        h('p', null, h('code', { id: 'flink', class: 'link-text', text: flink })),
        h('div', { class: 'row' }, copyBtn, copied,
          h('a', { href: res.facilitator_url, class: 'button primary', id: 'open-board', text: t('created.open') }))));
  }
}

// Column ids: [a-z0-9-]{1,32}, unique; behouden/vernieuwen keep their names.
export function columnIds(names) {
  const used = new Set();
  const known = { behouden: 'behouden', keep: 'behouden', vernieuwen: 'vernieuwen', renew: 'vernieuwen' };
  return names.map((title, i) => {
    let id = known[title.toLowerCase()] || title.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '')
      .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 32);
    if (!id) id = `kolom-${i + 1}`;
    let base = id; let n = 2;
    while (used.has(id)) { id = `${base.slice(0, 29)}-${n}`; n += 1; }
    used.add(id);
    return { id, title: title.slice(0, 40) };
  });
}
