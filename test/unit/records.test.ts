// Cluster records under concurrent changes: five kubelets reconfigured at once (the max-pods lab
// at its size) each update the same record; before `update`, writers shared one temporary file
// and later ones overwrote earlier ones' nodes.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultShape, parseNodes } from '../../src/cluster/shape.ts';
import { paths, readRecord, updateRecord, writeRecord, type LocalRecord } from '../../src/cluster/local/state.ts';
import { isolateState } from '../helpers/cluster.ts';

const home = isolateState();
const NAME = 'records';

async function fresh(nodes: number): Promise<void> {
  mkdirSync(paths(NAME).dir, { recursive: true });
  const record: LocalRecord = {
    createdBy: 'kubelab',
    provider: 'local',
    kubernetesVersion: 'v1.36.3',
    createdAt: new Date().toISOString(),
    shape: { ...defaultShape(NAME), nodes: parseNodes(String(nodes)) },
    ports: { apiserver: 1, etcdClient: 2, etcdPeer: 3, etcdMetrics: 4, controllerManager: 5, scheduler: 6, kwok: 7 },
    bootstrapped: true,
  };
  await writeRecord(record);
}

const maxPodsOf = () => readRecord(NAME)!.shape.nodes.map((n) => n.maxPods);

const setMaxPods = (node: string, maxPods: number) =>
  updateRecord(NAME, (r) => ({ ...r, shape: { ...r.shape, nodes: r.shape.nodes.map((n) => (n.name === node ? { ...n, maxPods } : n)) } }));

describe('cluster records', () => {
  it('keeps every one of many concurrent changes in one process', async () => {
    await fresh(6);
    const workers = readRecord(NAME)!.shape.nodes.slice(1);
    await Promise.all(workers.map((w, i) => setMaxPods(w.name, 200 + i)));
    expect(maxPodsOf()).toEqual([110, 200, 201, 202, 203, 204]);
    expect(readdirSync(paths(NAME).dir).filter((f) => /\.tmp$|\.lock$/.test(f))).toEqual([]);
  });

  it('keeps every change made by concurrent processes', async () => {
    await fresh(6);
    const workers = readRecord(NAME)!.shape.nodes.slice(1);
    const child = (node: string, maxPods: number) =>
      new Promise<number>((resolve) => {
        const code = `
          const { updateRecord } = await import(${JSON.stringify(new URL('../../src/cluster/local/state.ts', import.meta.url).href)});
          for (let i = 0; i < 20; i++)
            await updateRecord(${JSON.stringify(NAME)}, (r) => ({ ...r, shape: { ...r.shape, nodes: r.shape.nodes.map((n) => n.name === ${JSON.stringify(node)} ? { ...n, maxPods: ${maxPods} + i } : n) } }));`;
        const p = spawn(process.execPath, ['--input-type=module', '-e', code], {
          env: { ...process.env, KUBELAB_HOME: home },
          stdio: 'inherit',
        });
        p.on('exit', (status) => resolve(status ?? 1));
      });
    const statuses = await Promise.all(workers.map((w, i) => child(w.name, 100 * (i + 1))));
    expect(statuses).toEqual([0, 0, 0, 0, 0]);
    expect(maxPodsOf()).toEqual([110, 119, 219, 319, 419, 519]);
    expect(existsSync(`${paths(NAME).marker}.lock`)).toBe(false);
  });

  it('refuses to change a cluster kubelab has no record of, with one line', async () => {
    await expect(setMaxPods('kub2', 250).then(() => updateRecord('nope', (r) => r))).rejects.toThrow(/no cluster named "nope"/);
  });
});
