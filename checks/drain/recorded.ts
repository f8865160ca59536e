// The drain checks judge what happened, not only the end state: they read the timeline and the
// departures the availability watcher recorded since the lab started.
import type { V1ConfigMap } from '@kubernetes/client-node';
import { fail, readObject, type CheckContext, type Observation } from '../../src/engine/sdk.ts';
import { RECORD } from './constants.ts';
import { fromConfigMap, type AvailabilityRecord } from './watcher/record.ts';

/** A moment of the timeline as a learner's clock shows it. */
export const clock = (t: number) => new Date(t).toISOString().slice(11, 19);

async function readRecord(ctx: CheckContext): Promise<AvailabilityRecord | undefined> {
  return fromConfigMap(await readObject<V1ConfigMap>(ctx, 'v1', 'ConfigMap', RECORD.name, RECORD.namespace));
}

/** A check that needs the watcher's record. */
export function recorded(run: (r: AvailabilityRecord, ctx: CheckContext) => Promise<Observation> | Observation) {
  return async (ctx: CheckContext): Promise<Observation> => {
    const r = await readRecord(ctx);
    return r
      ? run(r, ctx)
      : fail(`the availability record ${RECORD.namespace}/${RECORD.name}`, 'none: kubelab start drain launches the watcher that writes it');
  };
}
