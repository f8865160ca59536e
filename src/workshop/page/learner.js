// A learner's page: who they are, their kubeconfig, and the labs' exercises with a check button.
// The join link carries the learner's token in its fragment (#kubelab=here.<token>), which never
// leaves the browser; it is kept in localStorage under the key and in the form the lab site's
// kube.js reads ({port: 0} meaning "this page's own origin"), so the site's live cells use it too.

const STORAGE_KEY = 'kubelab.bridge';

function token() {
  const match = /(^#|&)kubelab=here\.([A-Za-z0-9_-]{20,100})(?=&|$)/.exec(location.hash);
  if (match) {
    localStorage.setItem(STORAGE_KEY, JSON.stringify({ port: 0, token: match[2] }));
    history.replaceState(null, '', location.pathname + location.search);
    return match[2];
  }
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null');
    return stored?.port === 0 ? stored.token : null;
  } catch {
    return null;
  }
}

const auth = { Authorization: `Bearer ${token() ?? ''}` };

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === 'dataset') Object.assign(node.dataset, value);
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

async function errorOf(response) {
  const body = await response.json().catch(() => null);
  return body?.error ?? `HTTP ${response.status}`;
}

async function check(lab, exercise, list, button) {
  button.disabled = true;
  list.replaceChildren(el('li', {}, 'checking…'));
  try {
    const response = await fetch('/api/v1/check', {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ lab, exercise }),
    });
    if (!response.ok) throw new Error(await errorOf(response));
    const { results } = await response.json();
    list.replaceChildren(
      ...results.map((r) =>
        el(
          'li',
          { class: r.status, dataset: { check: r.check, status: r.status } },
          el('strong', {}, r.title),
          el('div', {}, r.reason),
          r.status === 'pass' ? null : el('div', { class: 'hint' }, `hint: ${r.hint}`),
        ),
      ),
    );
  } catch (error) {
    list.replaceChildren(el('li', { class: 'error' }, error.message));
  } finally {
    button.disabled = false;
  }
}

async function download(id) {
  const response = await fetch('/workshop/api/kubeconfig', { headers: auth, cache: 'no-store' });
  if (!response.ok) return status('error', await errorOf(response));
  const link = el('a', { href: URL.createObjectURL(await response.blob()), download: `kubeconfig-${id}.yaml` });
  document.body.append(link);
  link.click();
  link.remove();
}

function renderLabs(me) {
  const section = document.getElementById('labs');
  if (!me.labs.length) {
    section.replaceChildren(el('p', { class: 'muted' }, 'No lab has started yet: your instructor starts them.'));
    return;
  }
  section.replaceChildren(
    ...me.labs.map((lab) =>
      el(
        'article',
        { dataset: { lab: lab.id } },
        el('h2', {}, lab.title),
        el('p', {}, lab.summary, lab.page ? el('span', {}, ' — ', el('a', { href: lab.page }, 'its page, with live cells')) : null),
        ...lab.exercises.map((exercise) => {
          const list = el('ul', { class: 'results' });
          const button = el('button', { type: 'button' }, 'Check this exercise');
          button.addEventListener('click', () => check(lab.id, exercise.id, list, button));
          return el(
            'div',
            { class: 'exercise', dataset: { exercise: exercise.id } },
            el('h3', {}, exercise.title),
            el('p', {}, exercise.task),
            button,
            list,
          );
        }),
      ),
    ),
  );
}

async function start() {
  const response = await fetch('/workshop/api/me', { headers: auth, cache: 'no-store' });
  if (!response.ok) {
    status('error', `${await errorOf(response)}`);
    return;
  }
  const me = await response.json();
  document.getElementById('name').textContent = me.name;
  document.getElementById('cluster').textContent = me.cluster;
  document.getElementById('usage').textContent = `export KUBECONFIG=~/Downloads/kubeconfig-${me.id}.yaml\nkubectl get nodes`;
  document.getElementById('kubeconfig').addEventListener('click', () => download(me.id));
  document.getElementById('site').hidden = !me.site;
  document.getElementById('me').hidden = false;
  // The same route the lab site's cells ask first: does the learner's cluster answer?
  const cluster = await fetch('/api/v1/status', { headers: auth, cache: 'no-store' }).then((r) => (r.ok ? r.json() : null));
  if (cluster?.reachable) status('live', `Connected: everything on this page works on your cluster, ${me.cluster}.`);
  else status('error', cluster?.message ?? `Your cluster ${me.cluster} is not answering: tell your instructor.`);
  renderLabs(me);
}

void start();
