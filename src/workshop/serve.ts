// `kubelab workshop serve`: the grid, the grader and the workshop server, until Ctrl-C. The
// learners' clusters keep running after it stops.
import { existsSync, statSync } from 'node:fs';
import { errorLine, UserError } from '../errors.ts';
import type { Lab } from '../engine/model.ts';
import type { CheckResult } from '../engine/run.ts';
import type { Progress } from '../progress.ts';
import { Board, type Column } from './board.ts';
import { Grader } from './grader.ts';
import { checkWorkshopName } from './learners.ts';
import { readBaseline, registry, useLabDirs } from './labs.ts';
import { defaultParallelism } from './parallel.ts';
import { progressAppender, readProgressLog } from './progress-log.ts';
import { authority, isLoopback, parseListen, serverNames } from './server/hosts.ts';
import type { WorkshopServer } from './server/server.ts';
import { loadTls, selfSignedTls, type ServerTls } from './server/tls.ts';
import { ensureSite } from './site.ts';
import { requireWorkshop, workshopPaths, type WorkshopRecord } from './state.ts';

export interface ServeOptions {
  name: string;
  listen?: string;
  host: string[];
  cert?: string;
  key?: string;
  site: boolean;
  rebuildSite?: boolean;
  gradeEvery: string;
}

/** The labs started, read again when `workshop start` changes the record while the server runs. */
function startedLabs(name: string, getLab: (id: string) => Lab, all: Lab[]): () => Lab[] {
  const file = workshopPaths(name).record;
  let seen = -1;
  let labs: Lab[] = [];
  return () => {
    const mtime = existsSync(file) ? statSync(file).mtimeMs : 0;
    if (mtime !== seen) {
      seen = mtime;
      const ids = requireWorkshop(name).labs.filter((id) => all.some((l) => l.id === id));
      labs = ids.map(getLab);
    }
    return labs;
  };
}

function columnsOf(labs: () => Lab[]): () => Column[] {
  return () => labs().flatMap((lab) => lab.exercises.map((e) => ({ lab: lab.id, labTitle: lab.title, exercise: e.id, title: e.title })));
}

/** Baselines change only when a lab starts: read once per file and change. */
function baselines(record: WorkshopRecord): (learner: string, lab: string) => CheckResult[] | undefined {
  const cache = new Map<string, { at: number; results: CheckResult[] | undefined }>();
  return (learner, lab) => {
    const key = `${learner}/${lab}`;
    const hit = cache.get(key);
    if (hit && Date.now() - hit.at < 2000) return hit.results;
    const results = readBaseline(record, learner, lab);
    cache.set(key, { at: Date.now(), results });
    return results;
  };
}

async function serverTls(options: ServeOptions, record: WorkshopRecord, names: string[], progress: Progress): Promise<ServerTls> {
  if ((options.cert === undefined) !== (options.key === undefined)) throw new UserError('give --cert and --key together');
  if (options.cert) return loadTls(options.cert, options.key!, names, (line) => progress.step(`warning: ${line}`));
  const made = await selfSignedTls(workshopPaths(record.name).tls, names);
  if (made.made) progress.step(`generated a self-signed certificate for ${names.join(', ')}`);
  return made;
}

function gradeEveryMs(text: string): number {
  if (!/^\d+(\.\d+)?$/.test(text)) throw new UserError(`--grade-every must be a number of seconds, not "${text}"`);
  return Math.round(Number(text) * 1000);
}

function printLinks(server: WorkshopServer, record: WorkshopRecord, tls: ServerTls, names: string[]): void {
  const base = server.url;
  console.log(`Workshop "${record.name}" on ${base} (also as ${names.map((n) => authority(n, server.port)).join(', ')})`);
  console.log(`Certificate SHA-256 fingerprint${tls.selfSigned ? ' (self-signed: learners compare it before accepting)' : ''}:`);
  console.log(`  ${tls.fingerprint}`);
  console.log(`Instructor: ${base}/workshop/instructor/#token=${record.instructorToken}`);
  console.log('Learners (send each their own link; it is their key to their cluster):');
  for (const learner of record.learners) console.log(`  ${learner.id.padEnd(24)} ${base}/workshop/learner/#kubelab=here.${learner.token}`);
}

export async function serveWorkshop(options: ServeOptions, progress: Progress): Promise<void> {
  const record = requireWorkshop(checkWorkshopName(options.name));
  useLabDirs(record.labDirs);
  const { getLab, labs: all } = await registry();
  // The server loads the bridge, which loads the labs: only now that the workshop's lab folders are set.
  const { learnerAccess, startWorkshopServer } = await import('./server/server.ts');
  const listen = parseListen(options.listen);
  const names = serverNames(listen, options.host);
  if (!isLoopback(listen.host)) progress.step(`listening on ${listen.host}: reachable from other machines, as --listen says`);
  const tls = await serverTls(options, record, names, progress);
  const siteDir = workshopPaths(record.name).site;
  let site: string | undefined;
  if (options.site) {
    try {
      await ensureSite(siteDir, record.name, options.rebuildSite === true, progress);
      site = siteDir;
    } catch (error) {
      progress.step(`the lab site did not build (${errorLine(error).replace(/^kubelab: /, '')}); learners get their workshop page only`);
    }
  }
  const labs = startedLabs(record.name, getLab, all);
  const paths = workshopPaths(record.name);
  const board = new Board({
    learners: record.learners,
    columns: columnsOf(labs),
    baseline: baselines(record),
    replay: readProgressLog(paths.progress),
    persist: progressAppender(paths.progress),
  });
  const clusters = new Map(record.learners.map((l) => [l.id, learnerAccess(record, l)]));
  const grader = new Grader({ board, clusters, labs, everyMs: gradeEveryMs(options.gradeEvery), parallel: defaultParallelism() });
  const server = await startWorkshopServer({
    record,
    listen,
    names,
    tls,
    siteDir: site,
    board,
    grader,
    labs,
    log: (l) => console.error(l),
  });
  progress.done(
    `workshop server ready: ${record.learners.length} learners, labs ${
      labs()
        .map((l) => l.id)
        .join(', ') || 'none started yet'
    }`,
  );
  printLinks(server, record, tls, names);
  const signal = await new Promise<string>((resolve) => {
    for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(name, () => resolve(name));
  });
  await server.close();
  console.log(`${signal}: stopped the workshop server; the learners' clusters keep running (kubelab workshop down --name ${record.name})`);
}
