// The exercise: snapshot etcd with etcdctl, lose the orders namespace, restore the snapshot into a
// new data directory with etcdutl, and bring the control plane back on it. Judged on the end
// state: the very objects that were lost are back (same uids: made again by hand, they would
// differ), etcd runs from another directory than before, and the components that cached the old
// etcd's state started again after it.
import {
  controlPlaneRunning,
  fail,
  isReady,
  pass,
  staleComponents,
  type CheckContext,
  type Exercise,
  type Observation,
} from '../../src/engine/sdk.ts';
import { baselineOrFix, currentUids, etcdDataDirNow, readBaseline, rebase } from './baseline.ts';
import { ETCD, ORDERS } from './constants.ts';
import { restoreProblems } from './judge.ts';
import { onControlPlane } from './shell.ts';

/** The control plane is back within a minute of a restore on kind. */
const SETTLE_MS = 30_000;
const SNAPSHOT = '/var/lib/etcd-snapshot.db';
const RESTORED = '/var/lib/etcd-restored';
/** Far past any revision a lab cluster hands out, as Kubernetes' own restore instructions suggest. */
const BUMP = 1_000_000_000;

/** Why there is nothing to judge yet: a cluster still on its old data directory has not been restored. */
async function notRestored(ctx: CheckContext, wanted: string): Promise<Observation | undefined> {
  const baseline = await baselineOrFix(ctx);
  if (typeof baseline === 'string') return fail(wanted, baseline);
  return (await etcdDataDirNow(ctx)) === baseline.dataDir
    ? fail(wanted, 'no restore yet: etcd still runs from its old data directory')
    : undefined;
}

async function checkBack(ctx: CheckContext): Promise<Observation> {
  const wanted = `namespace ${ORDERS.namespace} and its ${ORDERS.configMaps.length} ConfigMaps, the very objects that were lost, restored`;
  const before = await notRestored(ctx, wanted);
  if (before) return before;
  const baseline = await baselineOrFix(ctx);
  if (typeof baseline === 'string') return fail(wanted, baseline);
  const problems = restoreProblems(baseline.uids, await currentUids(ctx), ORDERS.namespace);
  return problems.length
    ? fail(wanted, problems.join('; '))
    : pass(`namespace ${ORDERS.namespace} and its ${ORDERS.configMaps.length} ConfigMaps are back, each with its old uid`);
}

async function checkDataDir(ctx: CheckContext): Promise<Observation> {
  const baseline = await baselineOrFix(ctx);
  if (typeof baseline === 'string') return fail('the directory etcd kept its data in when the lab started', baseline);
  const now = await etcdDataDirNow(ctx);
  const wanted = `etcd running from a directory other than ${baseline.dataDir}, where the snapshot was restored`;
  if (!now) return fail(wanted, 'etcd’s mirror pod shows no data directory mounted from the machine');
  return now === baseline.dataDir ? fail(wanted, `etcd still runs from ${now}`) : pass(`etcd runs from ${now}`);
}

async function checkRestarted(ctx: CheckContext): Promise<Observation> {
  const before = await notRestored(ctx, 'the control plane started again after the restored etcd');
  if (before) return before;
  const pods = (await ctx.core.listNamespacedPod({ namespace: 'kube-system', labelSelector: 'tier=control-plane' })).items;
  const [etcd, ...others] = controlPlaneRunning(pods);
  const wanted = 'kube-apiserver, kube-controller-manager and kube-scheduler started after etcd, and all four ready';
  if (!etcd?.startedAt || !etcd.ready) return fail(wanted, 'etcd is not running and ready');
  const stale = staleComponents(others, etcd.startedAt, 'start of etcd');
  return stale.length ? fail(wanted, stale.join('; ')) : pass('the control plane started again on the restored etcd');
}

async function checkNodes(ctx: CheckContext): Promise<Observation> {
  const before = await notRestored(ctx, 'every node Ready on the restored cluster');
  if (before) return before;
  const nodes = (await ctx.core.listNode()).items;
  const notReady = nodes.filter((n) => !isReady(n)).map((n) => n.metadata?.name);
  return notReady.length === 0 && nodes.length > 0
    ? pass(`all ${nodes.length} nodes Ready`)
    : fail('every node Ready', notReady.length ? `${notReady.join(', ')} not Ready` : 'no nodes');
}

const etcdctl = `etcdctl --endpoints=${ETCD.endpoint} --cacert=${ETCD.ca} --cert=${ETCD.cert} --key=${ETCD.key}`;

export const restore: Exercise = {
  id: 'restore',
  title: 'Back up etcd, lose a namespace, restore it',
  task: `Take a snapshot of etcd with etcdctl on the control-plane machine. Then delete namespace ${ORDERS.namespace}, as an accident would. Bring it back by restoring the snapshot with etcdutl into a new data directory and running etcd, and the control plane, on it.`,
  checks: [
    {
      id: 'namespace-back',
      title: `Namespace ${ORDERS.namespace} and its ConfigMaps are back, the same objects`,
      points: 3,
      hint: 'a restore brings back the objects themselves, uid and all; creating them again by hand makes new ones. Was the snapshot taken before the delete?',
      timeoutMs: SETTLE_MS,
      run: checkBack,
    },
    {
      id: 'new-data-dir',
      title: 'etcd runs from the restored data directory',
      points: 2,
      hint: `etcdutl snapshot restore writes a new data directory (--data-dir); the kubelet runs etcd from ${ETCD.manifest}, and the etcd-data volume there says which directory of the machine it uses. If crictl shows etcd on the new directory but its mirror pod says otherwise or is missing, the kubelet is working from a stale picture: restart it once the API server is back`,
      timeoutMs: SETTLE_MS,
      run: checkDataDir,
    },
    {
      id: 'restarted',
      title: 'The rest of the control plane started again after etcd',
      points: 2,
      hint: 'kube-apiserver, kube-controller-manager and kube-scheduler keep caches of what the old etcd held; restart their static pods once the restored etcd runs',
      timeoutMs: SETTLE_MS,
      run: checkRestarted,
    },
    {
      id: 'nodes-ready',
      title: 'Every node is Ready',
      points: 1,
      hint: 'kubectl get nodes; a kubelet reconnects by itself once the API server answers again',
      timeoutMs: SETTLE_MS,
      run: checkNodes,
    },
  ],
  solution: (ctx) => [
    onControlPlane(ctx, `${etcdctl} snapshot save ${SNAPSHOT}`),
    onControlPlane(ctx, `etcdutl snapshot status ${SNAPSHOT} -w table`),
    `kubectl delete namespace ${ORDERS.namespace} --wait=true`,
    // The restored member keeps etcd's name and peer address, read from kubeadm's manifest. The
    // directory to leave is the one on the machine (the etcd-data volume's hostPath), which is not
    // always the one --data-dir names inside the container; every line that names it moves on.
    onControlPlane(
      ctx,
      [
        `M=${ETCD.manifest} && NAME=$(sed -n 's/.*--name=//p' $M) && PEER=$(sed -n 's/.*--initial-advertise-peer-urls=//p' $M)`,
        `OLD=$(awk '/mountPath:/{p=""} /^ *path:/{p=$NF} /name: etcd-data *$/ && p {print p; exit}' $M) && NEW=${RESTORED}-$(date +%s)`,
        // The restored revision counter starts below what every watcher has already seen: bumped
        // past it, with the gap marked compacted, each watcher lists afresh instead of resuming
        // and silently missing changes (a kubelet that misses its mirror pod never makes it again).
        `etcdutl snapshot restore ${SNAPSHOT} --data-dir "$NEW" --name "$NAME" --initial-cluster "$NAME=$PEER" --initial-advertise-peer-urls "$PEER" --bump-revision ${BUMP} --mark-compacted`,
        `sed -i "s#$OLD\\$#$NEW#" $M`,
        // The kubelet notices the changed manifest and starts etcd again on the new directory.
        `timeout 120 sh -c "until crictl ps -q --name '^etcd\\$' | xargs -r crictl inspect | grep -q $NEW; do sleep 2; done"`,
      ].join(' && '),
    ),
    onControlPlane(ctx, `crictl ps -q --name '^(kube-apiserver|kube-controller-manager|kube-scheduler)$' | xargs crictl stop`),
    "timeout 120 sh -c 'until kubectl get --raw /readyz >/dev/null 2>&1; do sleep 2; done'",
  ],
  async reset(ctx) {
    if (await readBaseline(ctx)) await rebase(ctx);
  },
};
