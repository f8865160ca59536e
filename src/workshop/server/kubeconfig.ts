// The kubeconfig a learner downloads from their page: their own cluster through the workshop
// server, by the name their browser used (one of the certificate's names), pinned to the server's
// certificate, with their own token. It opens no other learner's cluster.
import { stringify } from 'yaml';
import type { LearnerRecord } from '../state.ts';
import { authority } from './hosts.ts';

export interface KubeconfigInput {
  learner: LearnerRecord;
  workshop: string;
  /** The server name the learner reached, and the port. */
  host: string;
  port: number;
  /** PEM of the server's certificate (and chain), trusted as the cluster's CA. */
  cert: string;
}

export function forwardPath(learner: string): string {
  return `/learners/${learner}/kube`;
}

export function learnerKubeconfig({ learner, workshop, host, port, cert }: KubeconfigInput): string {
  const name = `${workshop}-${learner.id}`;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name,
        cluster: {
          server: `https://${authority(host, port)}${forwardPath(learner.id)}`,
          'certificate-authority-data': Buffer.from(cert).toString('base64'),
        },
      },
    ],
    users: [{ name: learner.id, user: { token: learner.token } }],
    contexts: [{ name, context: { cluster: name, user: learner.id } }],
    'current-context': name,
  });
}
