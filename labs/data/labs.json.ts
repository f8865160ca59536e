// Data loader: the labs kubelab ships (src/engine/registry.ts), for the site's index.
import { LocalProvider } from '../../src/cluster/local/index.ts';
import { labs } from '../../src/engine/registry.ts';

const local = new LocalProvider().capabilities;

const list = labs.map((lab) => ({
  id: lab.id,
  title: lab.title,
  summary: lab.summary,
  // A lab needing what the local provider's nodes cannot do runs on kind only.
  kindOnly: (lab.needs ?? []).some((c) => !local.includes(c)),
  exercises: lab.exercises.map((e) => ({ id: e.id, title: e.title, task: e.task, points: e.checks.reduce((sum, c) => sum + c.points, 0) })),
}));
process.stdout.write(JSON.stringify(list, null, 2));
