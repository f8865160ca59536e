// Whether this machine can run real kind clusters: Docker, the kind CLI and kubelab's node image.
// CI has all three (.ci/run starts Docker and builds the image); elsewhere the kind tests skip and
// say which is missing.
import { randomBytes } from 'node:crypto';
import { findKind, probeKind } from '../../src/cluster/kind/cli.ts';
import { imagePresent, probeDocker } from '../../src/cluster/kind/docker.ts';
import { nodeImage } from '../../src/cluster/kind/index.ts';

export function kindAvailability(what: string): { real: boolean; image: string; dockerOk: boolean; hasImage: boolean } {
  const image = nodeImage();
  const docker = probeDocker();
  const kind = probeKind(findKind());
  const hasImage = docker.ok && imagePresent(image);
  const missing = [
    ...(docker.ok ? [] : [`Docker (${docker.reason})`]),
    ...(kind.ok ? [] : [`the kind CLI (${kind.reason}; kubelab image build installs it)`]),
    ...(hasImage ? [] : [`the node image ${image} (${docker.ok ? 'run kubelab image build' : 'cannot be looked up without Docker'})`]),
  ];
  if (missing.length) console.log(`${what} skipped: this machine lacks ${missing.join('; ')}`);
  return { real: missing.length === 0, image, dockerOk: docker.ok, hasImage };
}

/**
 * A kind cluster's name for one test run. kind keeps its clusters in the Docker engine, outside the
 * state directory each test file gets, so a run that was killed, or another run on the same engine,
 * leaves a cluster this run's records do not know, and kubelab rightly refuses to take it over.
 */
export const kindName = (base: string): string => `${base}-${randomBytes(2).toString('hex')}`;
