import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { defineLab, fail, pass, type CheckContext, type Lab } from '../../src/engine/model.ts';
import { describeMismatch, matchObject } from '../../src/engine/match.ts';
import { classroom, human, json, junit } from '../../src/engine/report.ts';
import { runChecks, type CheckResult } from '../../src/engine/run.ts';
import { ignoreNotFound, lastApplied } from '../../src/engine/helpers.ts';
import { namespaceManifests } from '../../src/engine/manifests.ts';

// A ClusterRoleBinding as the API server returns it (recorded).
const binding = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRoleBinding',
  metadata: {
    name: 'flannel',
    resourceVersion: '812',
    annotations: {
      'kubectl.kubernetes.io/last-applied-configuration': '{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding"}\n',
    },
  },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'flannel' },
  subjects: [
    { kind: 'ServiceAccount', name: 'other', namespace: 'default' },
    { kind: 'ServiceAccount', name: 'flannel', namespace: 'kube-system' },
  ],
};

describe('partial matching', () => {
  it('ignores fields the expectation leaves out and finds list elements in any order', () => {
    expect(
      matchObject(binding, { roleRef: { name: 'flannel' }, subjects: [{ name: 'flannel', namespace: 'kube-system' }] }),
    ).toBeUndefined();
    expect(matchObject(binding, { subjects: [{ name: 'flannel' }, { name: 'other' }] })).toBeUndefined();
  });

  it('names the path of the first mismatch', () => {
    const m = matchObject(binding, { roleRef: { name: 'calico' } })!;
    expect(describeMismatch(m)).toBe('.roleRef.name: expected "calico", found "flannel"');
    expect(matchObject(binding, { subjects: [{ name: 'flannel' }, { name: 'flannel' }] })?.path).toBe('.subjects[1]');
    expect(matchObject(binding, { metadata: { labels: { a: 'b' } } })?.path).toBe('.metadata.labels');
    expect(matchObject(binding, { subjects: { name: 'x' } })?.path).toBe('.subjects');
  });

  it('compares scalars by value and type', () => {
    expect(matchObject({ replicas: 3 }, { replicas: 3 })).toBeUndefined();
    expect(matchObject({ replicas: 3 }, { replicas: '3' })).toBeDefined();
  });
});

/** A well-formed lab of one exercise and one check; patch what a test needs. */
const lab = (patch: Partial<Lab>): Lab => ({
  id: 'l',
  title: 'L',
  summary: '',
  shape: {},
  setup: async () => {},
  exercises: [
    {
      id: 'e',
      title: 'E',
      task: 'do',
      solve: async () => {},
      reset: async () => {},
      checks: [{ id: 'c', title: 'C', points: 1, hint: 'h', run: async () => pass('ok') }],
    },
  ],
  ...patch,
});

describe('lab definitions', () => {
  it('accepts a well-formed lab', () => {
    expect(defineLab(lab({})).id).toBe('l');
  });

  it('names the bad field', () => {
    expect(() => defineLab(lab({ id: 'Bad Id' }))).toThrow('lab "Bad Id" is malformed: id must be lower-case letters, digits and dashes');
    expect(() => defineLab(lab({ exercises: [] }))).toThrow(/exercises must list at least one exercise/);
    const good = lab({}).exercises[0]!;
    expect(() => defineLab(lab({ exercises: [good, good] }))).toThrow(/exercises\[1\]\.id "e" is used twice/);
    expect(() => defineLab(lab({ exercises: [{ ...good, checks: [{ ...good.checks[0]!, points: -1 }] }] }))).toThrow(
      /exercises\[0\]\.checks\[0\]\.points must be a number ≥ 0/,
    );
    expect(() => defineLab(lab({ exercises: [{ ...good, checks: [{ ...good.checks[0]!, hint: '' }] }] }))).toThrow(
      /checks\[0\]\.hint is missing/,
    );
  });
});

describe("running a lab's checks", () => {
  // Each check logs when it starts and ends; the first ends only once the last has started.
  it('runs them side by side and reports them in definition order', async () => {
    const log: string[] = [];
    let lastStarted: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      lastStarted = resolve;
    });
    const check = (id: string, body: () => Promise<void>) => ({
      id,
      title: id,
      points: 1,
      hint: 'h',
      run: async () => {
        log.push(`start ${id}`);
        await body();
        log.push(`end ${id}`);
        return id === 'b' ? fail('b', 'not b') : pass(id);
      },
    });
    const exercise = (id: string, checks: ReturnType<typeof check>[]) => ({
      id,
      title: id,
      task: 'do',
      solve: async () => {},
      reset: async () => {},
      checks,
    });
    const solved = defineLab(
      lab({
        exercises: [
          exercise('one', [check('a', () => started), check('b', async () => {})]),
          exercise('two', [check('c', async () => lastStarted())]),
        ],
      }),
    );
    const results = await runChecks(solved, solved.exercises, {} as CheckContext, { timeoutMs: 0 });
    expect(results.map((r) => `${r.exercise}/${r.check} ${r.status}`)).toEqual(['one/a pass', 'one/b fail', 'two/c pass']);
    expect(log.indexOf('start c')).toBeLessThan(log.indexOf('end a'));
  });
});

describe('helpers', () => {
  it('reads the last-applied manifest', () => {
    expect(lastApplied(binding)?.apiVersion).toBe('rbac.authorization.k8s.io/v1');
    expect(lastApplied({ metadata: {} })).toBeUndefined();
  });

  it('writes Namespace manifests, one document each', () => {
    const docs = parseAllDocuments(namespaceManifests('kuard', 'kubelab')).map((d) => d.toJS());
    expect(docs).toEqual([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kuard' } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kubelab' } },
    ]);
    expect(namespaceManifests('hello')).toBe('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: hello\n');
  });
});

describe('reports', () => {
  const results: CheckResult[] = [
    {
      lab: 'api-versions',
      exercise: 'migrate',
      check: 'exists',
      title: 'Binding <flannel> exists',
      status: 'pass',
      points: 2,
      maxPoints: 2,
      reason: 'found it',
      hint: 'apply it',
      durationMs: 12,
      evidence: [],
    },
    {
      lab: 'api-versions',
      exercise: 'migrate',
      check: 'v1',
      title: 'Applied as v1',
      status: 'fail',
      points: 0,
      maxPoints: 1,
      reason: 'expected v1; found v1beta1 & more',
      hint: 'edit apiVersion',
      durationMs: 8,
      evidence: [{ apiVersion: 'v1beta1' }],
    },
    {
      lab: 'max-pods',
      exercise: 'raise',
      check: 'ready',
      title: 'All Ready',
      status: 'error',
      points: 0,
      maxPoints: 3,
      reason: 'the check could not run: HTTP 500',
      hint: 'h',
      durationMs: 1,
      evidence: [],
    },
  ];

  it('human: marks, reasons, hints for failures, totals; evidence only with --debug', () => {
    const text = human(results);
    expect(text).toContain('✓ Binding <flannel> exists  [2/2]');
    expect(text).toContain('✗ Applied as v1  [0/1]');
    expect(text).toContain('hint: edit apiVersion');
    expect(text).not.toContain('hint: apply it');
    expect(text).toContain('1/3 checks passed, 2/6 points');
    expect(text).not.toContain('"apiVersion": "v1beta1"');
    expect(human(results, true)).toContain('| {');
  });

  it('json: totals and every result', () => {
    const parsed = JSON.parse(json(results));
    expect(parsed).toMatchObject({ points: 2, maxPoints: 6, passed: 1, total: 3 });
    expect(parsed.results).toHaveLength(3);
  });

  it('junit: a suite per lab, failures and errors, escaped', () => {
    const xml = junit(results);
    expect(xml).toContain('<testsuite name="api-versions" tests="2" failures="1" errors="0"');
    expect(xml).toContain('<testsuite name="max-pods" tests="1" failures="0" errors="1"');
    expect(xml).toContain('name="Binding &lt;flannel&gt; exists"');
    expect(xml).toContain('<failure message="expected v1; found v1beta1 &amp; more">');
    expect(xml).toContain('<error message="the check could not run: HTTP 500">');
  });

  it('classroom: {tests:[{name,status,score,message}], max_score}', () => {
    const parsed = JSON.parse(classroom(results));
    expect(parsed.max_score).toBe(6);
    expect(parsed.tests[0]).toEqual({
      name: 'api-versions/migrate: Binding <flannel> exists',
      status: 'pass',
      score: 2,
      message: 'found it',
    });
    expect(parsed.tests[1]).toMatchObject({
      status: 'fail',
      score: 0,
      message: 'expected v1; found v1beta1 & more — hint: edit apiVersion',
    });
    expect(parsed.status).toBe('fail');
  });

  it('fail() and pass() say what was expected and found', () => {
    expect(fail('a', 'b')).toEqual({ pass: false, expected: 'a', found: 'b', evidence: undefined });
    expect(pass('b').pass).toBe(true);
  });
});

describe('only a 404 counts as "not there"', () => {
  const apiError = (code: number) => new ApiException(code, `HTTP ${code}`, {}, {});

  it('turns a 404 into undefined and passes values through', async () => {
    await expect(ignoreNotFound(Promise.reject(apiError(404)))).resolves.toBeUndefined();
    await expect(ignoreNotFound(Promise.resolve('object'))).resolves.toBe('object');
  });

  it('throws a refusal, a server error or a failed connection', async () => {
    for (const code of [403, 409, 500]) await expect(ignoreNotFound(Promise.reject(apiError(code)))).rejects.toThrow(`HTTP ${code}`);
    await expect(ignoreNotFound(Promise.reject(new Error('connect ECONNREFUSED')))).rejects.toThrow('ECONNREFUSED');
  });
});
