// Labs are plugins: each is a folder <dir>/<lab>/ whose index.ts default-exports
// defineLab({...}). The engine finds them by scanning folders and never imports a lab by name,
// so adding a lab is adding a folder (and a page), and a course can live outside this repo.
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from '../errors.ts';
import { defineLab, type Lab } from './model.ts';

const GUIDE = 'see checks/README.md';

/** A path as the user will recognise it: relative to where they are, when it is below. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}

/** The lab a folder's index.ts exports, validated, or one line saying what is wrong with it. */
async function loadLab(folder: string, name: string): Promise<Lab> {
  const file = join(folder, 'index.ts');
  if (!existsSync(file))
    throw new UserError(`${shown(folder)} has no index.ts`, { fix: `a lab folder's index.ts default-exports defineLab({...}) — ${GUIDE}` });
  let exported: unknown;
  try {
    exported = ((await import(pathToFileURL(file).href)) as { default?: unknown }).default;
  } catch (error) {
    // defineLab throws when the module loads: its message already names the field.
    throw new UserError(`${shown(file)}: ${error instanceof UserError ? error.message : `does not load: ${firstLine(error)}`}`, {
      fix: (error instanceof UserError && error.fix) || GUIDE,
      cause: error,
    });
  }
  if (exported === null || typeof exported !== 'object')
    throw new UserError(`${shown(file)}: default export: must be the lab, export default defineLab({...})`, { fix: GUIDE });
  let lab: Lab;
  try {
    lab = defineLab(exported as Lab);
  } catch (error) {
    throw new UserError(`${shown(file)}: ${firstLine(error)}`, { fix: GUIDE, cause: error });
  }
  if (lab.id !== name) throw new UserError(`${shown(file)}: id "${lab.id}" must be the name of its folder, "${name}"`);
  return lab;
}

const byCourseOrder = (a: Lab, b: Lab) => (a.order ?? Infinity) - (b.order ?? Infinity) || a.id.localeCompare(b.id);

/**
 * Every lab in the folders of `dirs` (each folder below a dir is one lab), sorted by their
 * `order`, then id. A folder that does not hold a valid lab, or an id two folders share, fails
 * the whole discovery in one line naming the file and the field: a course with a broken lab
 * must not quietly shrink.
 */
export async function discoverLabs(dirs: string[]): Promise<Lab[]> {
  const labs: Lab[] = [];
  const where = new Map<string, string>();
  for (const dir of dirs) {
    if (!existsSync(dir)) throw new UserError(`no lab folder ${shown(dir)}`);
    const folders = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
    for (const name of folders) {
      const folder = join(dir, name);
      const lab = await loadLab(folder, name);
      const other = where.get(lab.id);
      if (other)
        throw new UserError(`${shown(join(folder, 'index.ts'))}: id "${lab.id}" is also the id of ${shown(join(other, 'index.ts'))}`);
      where.set(lab.id, folder);
      labs.push(lab);
    }
  }
  return labs.sort(byCourseOrder);
}
