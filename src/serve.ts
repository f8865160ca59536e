import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from './paths.ts';

export interface ServeOptions {
  port: number;
  open: boolean;
}

/** Runs Observable Framework's preview server on the labs until interrupted. */
export async function serve({ port, open }: ServeOptions): Promise<void> {
  const observable = join(packageRoot, 'node_modules', '.bin', 'observable');
  const args = ['preview', '--root', 'labs', '--port', String(port), ...(open ? [] : ['--no-open'])];
  const child = spawn(observable, args, { cwd: packageRoot, stdio: 'inherit' });
  await new Promise<void>((resolve) => child.on('exit', () => resolve()));
}
