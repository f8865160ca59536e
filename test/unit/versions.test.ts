import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { versionLdflags } from '../../src/binaries/build.ts';
import { versions } from '../../src/binaries/versions.ts';
import { packageRoot } from '../../src/paths.ts';

const goMod = readFileSync(join(packageRoot, 'tools', 'go.mod'), 'utf8');
const required = (module: string) => goMod.match(new RegExp(`^\\s*${module.replaceAll('.', '\\.')} (v\\S+)`, 'm'))?.[1];

describe('pinned versions', () => {
  it('agree with tools/go.mod', () => {
    expect(required('k8s.io/kubernetes')).toBe(versions.kubernetes);
    expect(required('go.etcd.io/etcd/server/v3')).toBe(versions.etcd);
    expect(required('sigs.k8s.io/kwok')).toBe(versions.kwok);
  });

  it('replace every staging module with the matching published version', () => {
    const staging = [...goMod.matchAll(/^\s*(k8s\.io\/[\w-]+) => \1 (v\S+)$/gm)];
    expect(staging.length).toBeGreaterThanOrEqual(33);
    const minor = versions.kubernetes.replace(/^v1\./, 'v0.');
    for (const [, module, version] of staging) expect(`${module} ${version}`).toBe(`${module} ${minor}`);
  });

  it('stamp the version as Kubernetes’ own build does', () => {
    const flags = versionLdflags('v1.36.3');
    for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
      expect(flags).toContain(`-X ${pkg}.gitVersion=v1.36.3`);
      expect(flags).toContain(`-X ${pkg}.gitMajor=1`);
      expect(flags).toContain(`-X ${pkg}.gitMinor=36`);
    }
  });
});
