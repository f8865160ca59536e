// Who is in the class: learners from a count or a roster file, each with an id that is safe in a
// cluster name, a URL path and a file name, and the cluster that is theirs.
import { existsSync, readFileSync } from 'node:fs';
import { UserError } from '../errors.ts';

export interface Learner {
  /** Lower-case letters, digits and dashes: part of the cluster's name and of URLs. */
  id: string;
  /** As the roster spells it. */
  name: string;
  /** The learner's own kubelab cluster: <workshop>-<id>. */
  cluster: string;
}

/** A cluster name is at most 40 characters: the workshop's name, a dash, the learner's id. */
export const MAX_WORKSHOP_NAME = 12;
export const MAX_LEARNER_ID = 40 - MAX_WORKSHOP_NAME - 1;
export const MAX_LEARNERS = 200;

const ID = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function checkWorkshopName(name: string): string {
  if (!ID.test(name) || name.length > MAX_WORKSHOP_NAME)
    throw new UserError(`invalid workshop name "${name}"`, {
      fix: `use lower-case letters, digits and dashes, at most ${MAX_WORKSHOP_NAME}`,
    });
  return name;
}

/** "Ada Lovelace" → "ada-lovelace": what a person's name becomes in a cluster name. */
export function learnerId(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_LEARNER_ID)
    .replace(/-+$/, '');
}

function learner(workshop: string, id: string, name: string): Learner {
  return { id, name, cluster: `${workshop}-${id}` };
}

/** learner-1 … learner-N. */
export function numberedLearners(workshop: string, count: number): Learner[] {
  if (!Number.isInteger(count) || count < 1 || count > MAX_LEARNERS)
    throw new UserError(`--learners ${count} is out of range`, { fix: `give a whole number from 1 to ${MAX_LEARNERS}` });
  return Array.from({ length: count }, (_, i) => learner(workshop, `learner-${i + 1}`, `Learner ${i + 1}`));
}

/**
 * One learner per non-empty line of the roster; lines starting with # are comments. Two names
 * that become the same id, or a name with no letter or digit, stop it with the line's number.
 */
export function parseRoster(workshop: string, text: string, file = 'the roster'): Learner[] {
  const learners: Learner[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    const name = line.trim();
    if (!name || name.startsWith('#')) return;
    const id = learnerId(name);
    const at = `${file} line ${i + 1}`;
    if (!id) throw new UserError(`${at}: "${name.slice(0, 40)}" has no letter or digit to name a cluster after`);
    const same = learners.find((l) => l.id === id);
    if (same)
      throw new UserError(`${at}: "${name}" and "${same.name}" would both be learner "${id}"`, { fix: 'tell them apart in the roster' });
    learners.push(learner(workshop, id, name));
  });
  if (learners.length === 0) throw new UserError(`${file} names no learner`, { fix: 'write one name a line' });
  if (learners.length > MAX_LEARNERS) throw new UserError(`${file} names ${learners.length} learners; at most ${MAX_LEARNERS}`);
  return learners;
}

export function readRoster(workshop: string, file: string): Learner[] {
  if (!existsSync(file)) throw new UserError(`no roster file ${file}`, { fix: 'give a text file with one learner name a line' });
  return parseRoster(workshop, readFileSync(file, 'utf8'), file);
}

/** The learners a command acts on: all, or the one named (by id or by name). */
export function chooseLearners(all: Learner[], which: string | undefined): Learner[] {
  if (which === undefined) return all;
  const found = all.find((l) => l.id === which || l.name === which || l.id === learnerId(which));
  if (!found)
    throw new UserError(`the workshop has no learner "${which}"`, {
      fix: `choose one of: ${all
        .map((l) => l.id)
        .slice(0, 10)
        .join(', ')}${all.length > 10 ? ', …' : ''}`,
    });
  return [found];
}
