// Data loader: the labs kubelab ships (src/engine/registry.ts), for the site's index.
import { labs } from '../../src/engine/registry.ts';

const list = labs.map((lab) => ({
  id: lab.id,
  title: lab.title,
  summary: lab.summary,
  exercises: lab.exercises.map((e) => ({ id: e.id, title: e.title, task: e.task, points: e.checks.reduce((sum, c) => sum + c.points, 0) })),
}));
process.stdout.write(JSON.stringify(list, null, 2));
