// The kwokctl cluster the benches compare kubelab with: the binary runtime, given the very
// binaries kubelab runs, so that only the tool differs.
import type { Binaries } from '../src/binaries/index.ts';

export function kwokctlCreateArgs(bin: Binaries, name: string): string[] {
  const components = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd'] as const;
  return [
    'create',
    'cluster',
    '--name',
    name,
    '--runtime',
    'binary',
    '--wait',
    '2m',
    ...components.flatMap((c) => [`--${c}-binary`, bin.path(c)]),
    '--kwok-controller-binary',
    bin.path('kwok'),
  ];
}
