// Router: / → start page, /w/{code} → participant, /f/{code} → facilitator.

import { normalizeCode } from './dom.js';
import { joinView } from './join.js';
import { participantView } from './participant.js';
import { facilitatorView } from './facilitator.js';

const root = document.getElementById('app');
const m = /^\/([wf])\/([^/]+)\/?$/.exec(location.pathname);
const code = m ? normalizeCode(decodeURIComponent(m[2])) : null;

if (m && code) {
  document.body.classList.add(m[1] === 'w' ? 'view-participant' : 'view-facilitator');
  if (m[1] === 'w') participantView(root, code);
  else facilitatorView(root, code);
} else {
  document.body.classList.add('view-home');
  joinView(root);
}
