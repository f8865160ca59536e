// The api-versions lab without a cluster: how answers are judged and what wrong ones are told, what
// selectors and Ingress paths mean, the two manifests, and the page's rows.
import type { V1Ingress, V1Service } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { answerForKind, fieldsOf, judgeRequired, judgeRetired, retiredOf } from '../../checks/api-versions/answers.ts';
import { APP, NOTES_API_VERSIONS } from '../../checks/api-versions/constants.ts';
import { legacyManifest, migratedManifest } from '../../checks/api-versions/manifests.ts';
import { isEmptySelector, pathsFor, reachesPort, selects } from '../../checks/api-versions/routing.ts';
import { comparisonRows, migrationRows } from '../../labs/components/api-versions.ts';

// What a 1.36 API server serves of the notes' list, and a little more.
const SERVED = new Set([
  'v1',
  'apps/v1',
  'batch/v1',
  'autoscaling/v1',
  'authentication.k8s.io/v1',
  'authorization.k8s.io/v1',
  'networking.k8s.io/v1',
  'rbac.authorization.k8s.io/v1',
  'storage.k8s.io/v1',
]);
const RETIRED = retiredOf(NOTES_API_VERSIONS, SERVED);

describe('the retired group/versions', () => {
  it('are the notes’ lines the cluster does not serve, in whatever order and separators a person types', () => {
    expect(RETIRED).toContain('extensions/v1beta1');
    expect(RETIRED).not.toContain('batch/v1');
    expect(judgeRetired([...RETIRED].reverse().join(', '), NOTES_API_VERSIONS, SERVED)).toEqual({ ok: true });
  });

  it('say how many are missing without naming them', () => {
    const verdict = judgeRetired(RETIRED.slice(2).join(' '), NOTES_API_VERSIONS, SERVED);
    expect(verdict).toEqual({ ok: false, found: '2 of the notes’ versions that are gone are not in your answer' });
    for (const v of RETIRED.slice(0, 2)) expect(JSON.stringify(verdict)).not.toContain(v);
  });

  it('say which given words are still served or not in the notes (the learner’s own words)', () => {
    const verdict = judgeRetired([...RETIRED, 'batch/v1', 'apps/v1beta3'].join(' '), NOTES_API_VERSIONS, SERVED);
    expect(verdict).toEqual({ ok: false, found: 'apps/v1beta3 is not in the notes’ list; batch/v1 is still served' });
  });

  it('reject pasting the whole notes’ list', () => {
    expect(judgeRetired(NOTES_API_VERSIONS.join(' '), NOTES_API_VERSIONS, SERVED).ok).toBe(false);
  });
});

describe('the answers per kind', () => {
  it('are found under the kind or its resource name, in any case', () => {
    expect(answerForKind({ ingresses: ' networking.k8s.io/v1 ' }, 'Ingress')).toBe('networking.k8s.io/v1');
    expect(answerForKind({ poddisruptionbudget: 'policy/v1' }, 'PodDisruptionBudget')).toBe('policy/v1');
    expect(answerForKind({ Deployment: 'apps/v1' }, 'CronJob')).toBeUndefined();
  });
});

describe('the required fields', () => {
  it('accept the names with or without spec.', () => {
    expect(fieldsOf('spec.selector, Template')).toEqual(['selector', 'template']);
    expect(judgeRequired('deployment.spec.template selector', ['selector', 'template'])).toEqual({ ok: true });
  });

  it('name the wrong field and count the missing ones', () => {
    expect(judgeRequired('replicas selector', ['selector', 'template'])).toEqual({
      ok: false,
      found: 'replicas is not marked required; 1 required field is missing',
    });
  });
});

describe('selectors', () => {
  it('are evaluated as the API server does', () => {
    expect(selects({ matchLabels: { app: 'web' } }, { app: 'web', tier: 'front' })).toBe(true);
    expect(selects({ matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] }, { app: 'web' })).toBe(true);
    expect(selects({ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, { app: 'web' })).toBe(false);
    expect(selects({ matchLabels: { app: 'shop' } }, { app: 'web' })).toBe(false);
  });

  it('that are empty are told apart (policy/v1 reads them as every pod)', () => {
    expect(isEmptySelector({})).toBe(true);
    expect(isEmptySelector({ matchLabels: {} })).toBe(true);
    expect(isEmptySelector({ matchLabels: { app: 'web' } })).toBe(false);
  });
});

const service: V1Service = { spec: { ports: [{ name: 'http', port: 80 }] } };
const ingress = (path: string, port: { number?: number; name?: string }): V1Ingress => ({
  spec: { rules: [{ host: APP.host, http: { paths: [{ path, pathType: 'Prefix', backend: { service: { name: 'web', port } } }] } }] },
});

describe('Ingress routes', () => {
  it('find the asked path with or without a trailing slash, only for the asked host', () => {
    expect(pathsFor(ingress('/api/', { number: 80 }), APP.host, '/api')).toHaveLength(1);
    expect(pathsFor(ingress('/', { number: 80 }), APP.host, '/api')).toHaveLength(0);
    expect(pathsFor(ingress('/api', { number: 80 }), 'other.example.com', '/api')).toHaveLength(0);
  });

  it('reach the Service port by number or by its name', () => {
    const backend = (port: { number?: number; name?: string }) => pathsFor(ingress('/api', port), APP.host, '/api')[0]!.backend;
    expect(reachesPort(backend({ number: 80 }), service, 'web', 80)).toBe(true);
    expect(reachesPort(backend({ name: 'http' }), service, 'web', 80)).toBe(true);
    expect(reachesPort(backend({ number: 8080 }), service, 'web', 80)).toBe(false);
    expect(reachesPort(backend({ number: 80 }), undefined, 'web', 80)).toBe(false);
  });
});

describe('the manifests', () => {
  const kinds = (text: string) => parseAllDocuments(text).map((d) => `${d.get('apiVersion')} ${d.get('kind')}`);

  it('legacy: every document but the Service names a version 1.36 no longer serves', () => {
    expect(kinds(legacyManifest('img'))).toEqual([
      'extensions/v1beta1 Deployment',
      'v1 Service',
      'extensions/v1beta1 Ingress',
      'policy/v1beta1 PodDisruptionBudget',
      'batch/v1beta1 CronJob',
      'rbac.authorization.k8s.io/v1beta1 ClusterRoleBinding',
    ]);
  });

  it('migrated: current versions, with the selector and the v1 Ingress backend', () => {
    const docs = parseAllDocuments(migratedManifest('img')).map((d) => d.toJS());
    expect(docs.map((d) => d.apiVersion)).toEqual([
      'apps/v1',
      'v1',
      'networking.k8s.io/v1',
      'policy/v1',
      'batch/v1',
      'rbac.authorization.k8s.io/v1',
    ]);
    expect(selects(docs[0].spec.selector, docs[0].spec.template.metadata.labels)).toBe(true);
    expect(pathsFor(docs[2], APP.host, APP.path)[0]).toMatchObject({
      pathType: 'Prefix',
      backend: { service: { name: 'web', port: { number: 80 } } },
    });
  });
});

describe('the page’s rows', () => {
  it('compare the notes with the APIServices of the cluster', () => {
    const rows = comparisonRows(['v1', 'batch/v1beta1'], [{ spec: { version: 'v1' } }, { spec: { group: 'batch', version: 'v1' } }]);
    expect(rows).toEqual([
      { 'group/version': 'batch/v1', "notes' cluster (1.8)": '', 'this cluster': 'served' },
      { 'group/version': 'batch/v1beta1', "notes' cluster (1.8)": 'served', 'this cluster': 'gone' },
      { 'group/version': 'v1', "notes' cluster (1.8)": 'served', 'this cluster': 'served' },
    ]);
  });

  it('show the learner’s objects in their own terms', () => {
    const rows = migrationRows({ ingresses: [{ metadata: { name: 'web' }, ...ingress('/api', { name: 'http' }) }] });
    expect(rows).toEqual([{ kind: 'Ingress', name: 'web', state: 'class (none); shop.example.com/api (Prefix) → web:http' }]);
  });
});
