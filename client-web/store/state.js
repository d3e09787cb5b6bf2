// The local model of one workshop: the welcome's state, then every event.

export class Store {
  constructor() {
    this.state = null;
    this.presence = { participants: 0, facilitators: 0 };
    this.listeners = new Set();
    this.clockOffset = 0;   // server ms − local ms, estimated from timer events
    this.scheduled = false;
    this.batch = null;
  }

  subscribe(fn) { this.listeners.add(fn); return () => this.listeners.delete(fn); }

  // Listeners run once per burst of changes, with the set of what changed.
  changed(what) {
    if (!this.batch) this.batch = new Set();
    this.batch.add(what);
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      const batch = this.batch;
      this.batch = null;
      for (const fn of this.listeners) fn(this.state, batch);
    });
  }

  welcome(msg) {
    const s = msg.state || {};
    const prevMine = new Map();
    if (this.state) for (const c of this.state.cards) if (c.mine) prevMine.set(c.id, true);
    this.state = {
      code: s.code, title: s.title || '', language: s.language || 'nl',
      phase: s.phase || 'lobby', prompt: s.prompt || '',
      settings: s.settings || {},
      columns: s.columns || [],
      clusters: (s.clusters || []).slice(),
      cards: (s.cards || []).map((c) => ({ ...c })),
      hidden_cards: s.hidden_cards || 0,
      revealed: !!s.revealed,
      checkins: (s.checkins || []).slice(),
      votes: {
        per_target: (s.votes && s.votes.per_target) || {},
        mine: (s.votes && s.votes.mine) || {},
        left: s.votes && typeof s.votes.left === 'number' ? s.votes.left : null,
      },
      agreements: (s.agreements || []).slice(),
      timer: s.timer || null,
      role: msg.role,
    };
    if (typeof s.participants === 'number') this.presence.participants = s.participants;
    this.changed('welcome');
  }

  card(id) { return this.state.cards.find((c) => c.id === id); }

  upsertCard(card, keepMine = true) {
    const i = this.state.cards.findIndex((c) => c.id === card.id);
    if (i >= 0) {
      const old = this.state.cards[i];
      const next = { ...old, ...card };
      if (keepMine && old.mine && card.mine === undefined) next.mine = true;
      this.state.cards[i] = next;
    } else {
      this.state.cards.push({ ...card });
    }
  }

  // Cards of one group (a column's unclustered cards, or a cluster), in order.
  group(column, clusterId) {
    return this.state.cards
      .filter((c) => (c.column ?? null) === (column ?? null) && (c.cluster_id ?? null) === (clusterId ?? null))
      .sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
  }

  renumber(column, clusterId) {
    this.group(column, clusterId).forEach((c, i) => { c.position = i; });
  }

  moveCard(id, column, clusterId, position) {
    const c = this.card(id);
    if (!c) return;
    const from = [c.column ?? null, c.cluster_id ?? null];
    c.column = column ?? null;
    c.cluster_id = clusterId ?? null;
    c.position = -1;
    this.renumber(from[0], from[1]);
    const others = this.group(column, clusterId).filter((x) => x.id !== id);
    const pos = typeof position === 'number' ? Math.max(0, Math.min(position, others.length)) : others.length;
    others.splice(pos, 0, c);
    others.forEach((x, i) => { x.position = i; });
  }

  event(name, d) {
    const s = this.state;
    if (!s) return;
    switch (name) {
      case 'card.posted':
      case 'card.edited':
        if (d.card) this.upsertCard(d.card);
        break;
      case 'card.deleted': {
        const c = this.card(d.card_id);
        s.cards = s.cards.filter((x) => x.id !== d.card_id);
        if (c) this.renumber(c.column ?? null, c.cluster_id ?? null);
        break;
      }
      case 'cards.counted':
        s.hidden_cards = d.hidden_cards ?? 0;
        break;
      case 'cards.revealed':
        for (const c of d.cards || []) this.upsertCard(c);
        s.revealed = true;
        s.hidden_cards = 0;
        break;
      case 'card.moved':
        this.moveCard(d.card_id, d.column ?? null, d.cluster_id ?? null, d.position);
        break;
      case 'cluster.created':
        if (d.cluster && !s.clusters.some((x) => x.id === d.cluster.id)) s.clusters.push(d.cluster);
        break;
      case 'cluster.renamed': {
        const k = s.clusters.find((x) => x.id === d.cluster_id);
        if (k) k.title = d.title;
        break;
      }
      case 'cluster.deleted': {
        const k = s.clusters.find((x) => x.id === d.cluster_id);
        s.clusters = s.clusters.filter((x) => x.id !== d.cluster_id);
        if (k) {
          const base = this.group(k.column, null).length;
          this.group(k.column, k.id).forEach((c, i) => { c.cluster_id = null; c.position = base + i; });
        }
        break;
      }
      case 'phase.changed':
        s.phase = d.phase;
        break;
      case 'prompt.changed':
        s.prompt = d.text || '';
        break;
      case 'votes.changed':
      case 'votes.tallied':
        s.votes.per_target = d.per_target || {};
        break;
      case 'votes.mine':
        s.votes.mine = d.mine || {};
        if (typeof d.left === 'number') s.votes.left = d.left;
        break;
      case 'agreement.added':
      case 'agreement.updated': {
        const a = d.agreement;
        if (!a) break;
        const i = s.agreements.findIndex((x) => x.id === a.id);
        if (i >= 0) s.agreements[i] = { ...s.agreements[i], ...a }; else s.agreements.push(a);
        break;
      }
      case 'agreement.deleted':
        s.agreements = s.agreements.filter((x) => x.id !== d.agreement_id);
        break;
      case 'timer.started':
        s.timer = { ends_at: d.ends_at, seconds: d.seconds };
        if (typeof d.ends_at === 'number' && typeof d.seconds === 'number') {
          this.clockOffset = d.ends_at - (Date.now() + d.seconds * 1000);
        }
        break;
      case 'timer.stopped':
      case 'timer.ended':
        s.timer = null;
        break;
      case 'checkin.posted':
        if (typeof d.text === 'string') s.checkins.push(d.text);
        break;
      default:
        break;
    }
    this.changed(name);
  }

  setPresence(p) {
    this.presence = { participants: p.participants ?? 0, facilitators: p.facilitators ?? 0 };
    this.changed('presence');
  }

  // Local bookkeeping after a participant's vote ack (no event comes back to it).
  voteAck(targetId, delta, left) {
    const m = this.state.votes.mine;
    m[targetId] = Math.max(0, (m[targetId] || 0) + delta);
    if (!m[targetId]) delete m[targetId];
    if (typeof left === 'number') this.state.votes.left = left;
    this.changed('vote');
  }

  remainingMs() {
    const tm = this.state && this.state.timer;
    if (!tm || typeof tm.ends_at !== 'number') return null;
    return Math.max(0, tm.ends_at - (Date.now() + this.clockOffset));
  }

  titleOf(targetId) {
    const k = this.state.clusters.find((x) => x.id === targetId);
    if (k) return k.title;
    const c = this.card(targetId);
    return c ? c.text : '';
  }
}
