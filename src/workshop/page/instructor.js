// The instructor's page: the class's grid, live. The instructor's link carries the token in its
// fragment (#token=…), which never leaves the browser; it moves to localStorage and is sent as
// a Bearer token to the grid's routes, which refuse every other token (a learner's included).
// Plot and d3 are globals from the server's copies in node_modules.
/* global Plot */

const TOKEN_KEY = 'kubelab.instructor';
const MARK = { pass: '✓', fail: '✗', 'not-started': '—', unknown: '?' };

function token() {
  const match = /(^#|&)token=([A-Za-z0-9_-]{20,100})(?=&|$)/.exec(location.hash);
  if (match) {
    localStorage.setItem(TOKEN_KEY, match[2]);
    history.replaceState(null, '', location.pathname + location.search);
    return match[2];
  }
  return localStorage.getItem(TOKEN_KEY);
}

const auth = { Authorization: `Bearer ${token() ?? ''}` };
let grid = null;
let openLearner = null;

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

function status(state, text) {
  const node = document.getElementById('status');
  node.dataset.state = state;
  node.textContent = text;
}

const clock = (ms) => (ms === null || ms === undefined ? '' : new Date(ms).toLocaleTimeString());

function duration(ms) {
  if (ms === null || ms === undefined) return 'done';
  const minutes = Math.floor(ms / 60000);
  return minutes >= 60
    ? `${Math.floor(minutes / 60)} h ${minutes % 60} min`
    : minutes >= 1
      ? `${minutes} min`
      : `${Math.floor(ms / 1000)} s`;
}

function sorted(learners) {
  const by = document.getElementById('sort').value;
  const copy = [...learners];
  if (by === 'name') return copy.sort((a, b) => a.name.localeCompare(b.name));
  if (by === 'progress') return copy.sort((a, b) => a.passed - b.passed || a.name.localeCompare(b.name));
  // Stuck longest: longest since the learner's checks last changed; finished learners last.
  return copy.sort((a, b) => (b.stuckMs ?? -1) - (a.stuckMs ?? -1) || a.name.localeCompare(b.name));
}

function renderGrid() {
  const table = document.getElementById('grid');
  const labs = [];
  for (const column of grid.columns) {
    const last = labs.at(-1);
    if (last?.lab === column.lab) last.span++;
    else labs.push({ lab: column.lab, title: column.labTitle, span: 1 });
  }
  const head = el(
    'thead',
    {},
    el('tr', {}, el('th', { colspan: 4 }), ...labs.map((l) => el('th', { colspan: l.span }, l.title))),
    el(
      'tr',
      {},
      el('th', { class: 'learner' }, 'Learner'),
      el('th', {}, 'Cluster'),
      el('th', {}, 'Passed'),
      el('th', {}, 'Stuck for'),
      ...grid.columns.map((c) => el('th', { title: `${c.lab} / ${c.exercise}` }, c.title)),
    ),
  );
  const body = el('tbody');
  for (const learner of sorted(grid.learners)) {
    const health =
      learner.health === 'down'
        ? el('span', { class: 'down', title: learner.message ?? '' }, 'cluster down')
        : learner.health === 'up'
          ? el('span', {}, 'up')
          : el('span', { class: 'muted' }, '…');
    const row = el(
      'tr',
      { dataset: { learner: learner.id, health: learner.health } },
      el('td', { class: 'learner' }, el('button', { type: 'button', onclick: () => openDetail(learner.id) }, learner.name)),
      el('td', {}, health),
      el('td', {}, `${learner.passed}/${learner.total}`),
      el('td', { class: 'stuck' }, duration(learner.stuckMs)),
      ...grid.columns.map((c) => {
        const key = `${c.lab}/${c.exercise}`;
        const cell = learner.cells[key];
        return el(
          'td',
          {
            class: 'cell',
            dataset: { cell: key, state: cell.state },
            title: `${c.title}: ${cell.state}${cell.since ? ` since ${clock(cell.since)}` : ''}`,
          },
          el('span', { class: 'mark' }, MARK[cell.state] ?? '?'),
          el('span', { class: 'time' }, clock(cell.since)),
        );
      }),
    );
    body.append(row);
  }
  table.replaceChildren(head, body);
}

/** Each learner's passed count as a step line, and the class's total, up to now. */
function renderChart() {
  const history = grid.history.map((h) => ({ ...h, at: new Date(h.at) }));
  const latest = new Map();
  const total = [];
  for (const point of history) {
    latest.set(point.learner, point.passed);
    total.push({ at: point.at, passed: [...latest.values()].reduce((a, b) => a + b, 0) });
  }
  const now = new Date(grid.now);
  for (const [learner, passed] of latest) history.push({ at: now, learner, passed });
  if (total.length) total.push({ at: now, passed: total.at(-1).passed });
  const chart = document.getElementById('chart');
  if (!history.length) {
    chart.replaceChildren(el('p', { class: 'muted' }, 'Nothing graded yet.'));
    return;
  }
  chart.replaceChildren(
    Plot.plot({
      width: Math.min(1100, document.body.clientWidth - 40),
      height: 280,
      marginRight: 50,
      x: { type: 'time', label: 'time' },
      y: { label: 'exercises passed', grid: true },
      color: { legend: true },
      marks: [
        Plot.lineY(total, { x: 'at', y: 'passed', curve: 'step-after', stroke: 'black', strokeWidth: 2, tip: true }),
        Plot.lineY(history, { x: 'at', y: 'passed', z: 'learner', stroke: 'learner', curve: 'step-after', strokeOpacity: 0.6 }),
        Plot.text(total.slice(-1), { x: 'at', y: 'passed', text: () => 'class', dx: 6, textAnchor: 'start' }),
      ],
    }),
  );
}

async function openDetail(id) {
  openLearner = id;
  await renderDetail();
}

async function renderDetail() {
  if (!openLearner) return;
  const response = await fetch(`/workshop/api/learners/${encodeURIComponent(openLearner)}`, { headers: auth, cache: 'no-store' });
  if (!response.ok) return;
  const learner = await response.json();
  const section = document.getElementById('detail');
  section.hidden = false;
  document.getElementById('detail-title').textContent =
    `${learner.name} — cluster ${learner.cluster}${learner.health === 'down' ? ' (cluster down)' : ''}`;
  const parts = learner.exercises.map((e) => {
    const heading = el(
      'h3',
      {},
      `${MARK[e.state] ?? '?'} ${e.labTitle} / ${e.title}`,
      el('span', { class: 'muted' }, e.since ? ` — last change ${clock(e.since)}` : ''),
    );
    if (e.state === 'pass') return el('div', { dataset: { exercise: `${e.lab}/${e.exercise}` } }, heading);
    const failing = el(
      'ul',
      { class: 'failing' },
      ...e.failing.map((c) =>
        el(
          'li',
          { dataset: { check: c.check } },
          el('strong', {}, c.title),
          el('div', {}, c.reason),
          el('div', { class: 'hint' }, `hint: ${c.hint}`),
        ),
      ),
    );
    return el(
      'div',
      { dataset: { exercise: `${e.lab}/${e.exercise}` } },
      heading,
      e.failing.length ? failing : el('p', { class: 'muted' }, 'not graded yet'),
    );
  });
  document
    .getElementById('detail-body')
    .replaceChildren(...(learner.message ? [el('p', { class: 'down' }, learner.message)] : []), ...parts);
}

function render() {
  document.getElementById('workshop').textContent = grid.workshop;
  renderGrid();
  renderChart();
  void renderDetail();
}

/** The grid as the server streams it: a whole grid per change, and pings. Reconnects by itself. */
async function follow() {
  for (;;) {
    try {
      const response = await fetch('/workshop/api/stream', { headers: auth, cache: 'no-store' });
      if (response.status === 401 || response.status === 403) {
        const { error } = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
        status('error', `${error} — open the instructor link kubelab workshop serve printed.`);
        return;
      }
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      status('live', "Live: the grid changes as the learners' checks do.");
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        const lines = buffer.split('\n');
        buffer = lines.pop();
        for (const line of lines) {
          const message = line ? JSON.parse(line) : null;
          if (message?.type === 'grid') {
            grid = message;
            render();
          }
        }
      }
    } catch {
      // the server went away: say so and try again
    }
    status('error', 'The workshop server is not answering; trying again…');
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

document.getElementById('sort').addEventListener('change', () => grid && renderGrid());
void follow();
