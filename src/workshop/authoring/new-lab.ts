// `kubelab new-lab <id>`: a new lab folder made from the smallest complete lab
// (examples/labs/hello), renamed to the new id, and a page for the site made from the lab's own
// definition. The copy loads and validates before the command returns, so what it wrote runs.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from '../../errors.ts';
import { defineLab, type Lab } from '../../engine/model.ts';
import { packageRoot } from '../../paths.ts';

export const EXAMPLE = join(packageRoot, 'examples', 'labs', 'hello', 'index.ts');
const ID = /^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$/;

export interface NewLab {
  folder: string;
  index: string;
  page: string;
}

/** "max-pods-2" → "Max pods 2". */
function titleOf(id: string): string {
  const words = id.split('-').join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function replaceOnce(text: string, from: string | RegExp, to: string): string {
  const next = text.replace(from, to);
  if (next === text)
    throw new UserError(`examples/labs/hello/index.ts no longer has ${String(from)}`, {
      fix: 'update src/workshop/authoring/new-lab.ts to the example',
    });
  return next;
}

/** The example lab's source, as lab `id` in `folder`. */
export function labSource(id: string, folder: string): string {
  const sdk = relative(folder, join(packageRoot, 'src', 'engine', 'sdk.ts'))
    .split('\\')
    .join('/');
  let text = readFileSync(EXAMPLE, 'utf8');
  text = replaceOnce(
    text,
    /^(\/\/[^\n]*\n)+/,
    `// Lab "${id}", made by \`kubelab new-lab ${id}\` from the smallest complete lab (examples/labs/hello):\n// one exercise, one check. docs/authoring.md says how to make it yours; \`kubelab test ${id}\` runs\n// its self-test.\n`,
  );
  text = replaceOnce(text, /from '[./]*src\/engine\/sdk\.ts'/, `from '${sdk.startsWith('.') ? sdk : `./${sdk}`}'`);
  text = replaceOnce(text, /const NAMESPACE = '[^']*'/, `const NAMESPACE = '${id}'`);
  text = replaceOnce(text, /id: 'hello'/, `id: '${id}'`);
  text = replaceOnce(text, /title: 'Hello, ConfigMap'/, `title: '${titleOf(id)}'`);
  return text;
}

/** A page for the site: the lab's text, a live view of its namespace and a check button per exercise. */
export function pageSource(lab: Lab): string {
  const exercises = lab.exercises.map(
    (e, i) => `## Exercise ${i + 1} — ${e.title}

${e.task}

\`\`\`js
display(checkButton("${lab.id}", "${e.id}"));
\`\`\`
`,
  );
  return `---
title: ${lab.title}
---

# ${lab.title}

${lab.summary}

\`\`\`js
import {connect, checkButton, table} from "./components/kube.js";
const kube = connect();
\`\`\`

What is in namespace \`${lab.id}\` now, live:

\`\`\`js
const configMaps = kube.watch("v1", "ConfigMap", {namespace: "${lab.id}"});
\`\`\`

\`\`\`js
table(configMaps.map((cm) => ({name: cm.metadata.name, data: JSON.stringify(cm.data ?? {})})))
\`\`\`

${exercises.join('\n')}`;
}

/**
 * Writes <dir>/<id>/index.ts and the page: labs/<id>.md for a lab in this repository's checks/,
 * <dir>/<id>/page.md for one elsewhere (the site shows pages from labs/ only).
 */
export async function newLab(id: string, dir?: string): Promise<NewLab> {
  if (!ID.test(id)) throw new UserError(`invalid lab id "${id}"`, { fix: 'use lower-case letters, digits and dashes (at most 40)' });
  const root = resolve(dir ?? join(packageRoot, 'checks'));
  const folder = join(root, id);
  const inRepo = root === join(packageRoot, 'checks');
  const page = inRepo ? join(packageRoot, 'labs', `${id}.md`) : join(folder, 'page.md');
  for (const path of [folder, page])
    if (existsSync(path))
      throw new UserError(`${relative(process.cwd(), path) || path} exists`, { fix: 'choose another id, or remove it first' });
  const index = join(folder, 'index.ts');
  await mkdir(folder, { recursive: true });
  await writeFile(index, labSource(id, folder));
  let lab: Lab;
  try {
    lab = defineLab(((await import(pathToFileURL(index).href)) as { default: Lab }).default);
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    throw new UserError(`the new lab does not load: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
  await mkdir(dirname(page), { recursive: true });
  await writeFile(page, pageSource(lab));
  return { folder, index, page };
}
