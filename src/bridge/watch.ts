// Watches streamed to a page as NDJSON. A page opens one stream for all its watches, because
// a browser holds at most six connections to one host and each stream keeps one open; when
// its set of watches changes, it opens a new stream that resumes every watch where it was.
// One message a line; all but PING carry the watch's id:
//   {"id","type":"LIST","items":[...],"resourceVersion":"…"}   the whole set (first, and after a 410)
//   {"id","type":"ADDED"|"MODIFIED"|"DELETED","object":{…}}    one change
//   {"id","type":"BOOKMARK","resourceVersion":"…"}            progress without a change
//   {"id","type":"STATUS","ok":false,"message":"…"}           the cluster stopped answering; retrying
//   {"id","type":"STATUS","ok":true}                          it answers again
//   {"id","type":"ERROR","status":404,"message":"…"}          this watch cannot run (unknown kind)
//   {"type":"PING"}                                           keep-alive
// A watch sent with the last resourceVersion its page saw gets only what it missed.
// Watches at the API server end (client-node closes them after 30 s of silence, the server
// after its timeout); the bridge restarts them from the last resourceVersion.
import type { ServerResponse } from 'node:http';
import type { KubernetesObject } from '@kubernetes/client-node';
import { clean, type Cluster } from './cluster.ts';
import { HttpError, startStream } from './http.ts';
import type { Selection } from './params.ts';

const PING_MS = 15_000;
const RETRY_MS = [500, 1000, 2000, 5000];
/** Pause before restarting a watch that ended normally, so a server that ends them at once cannot spin the bridge. */
const RESTART_MS = 100;

export interface WatchRequest {
  id: string;
  selection: Selection;
  /** Where the page left off; without it the watch starts with a LIST. */
  resourceVersion?: string;
}

type Send = (message: Record<string, unknown>) => void;

function isGone(error: unknown): boolean {
  return (error as { statusCode?: number })?.statusCode === 410;
}

/** Follows one watch until stop() is called: lists when needed, resumes after every end. */
function follow(cluster: Cluster, path: string, request: WatchRequest, send: Send): () => void {
  const { selection } = request;
  let resourceVersion = request.resourceVersion;
  let stopped = false;
  let controller: AbortController | undefined;
  let timer: NodeJS.Timeout | undefined;
  let retry = 0;
  let failing = false;

  const schedule = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => void start(), ms);
  };
  const fail = (error: unknown) => {
    failing = true;
    send({ type: 'STATUS', ok: false, message: cluster.httpError(error).message });
    schedule(RETRY_MS[Math.min(retry++, RETRY_MS.length - 1)]!);
  };
  const onEvent = (type: string, object: KubernetesObject) => {
    retry = 0;
    if (type === 'ERROR') {
      // The API server reports an expired resourceVersion as an event with code 410.
      if ((object as { code?: number }).code === 410) resourceVersion = undefined;
      controller?.abort();
      return;
    }
    resourceVersion = object.metadata?.resourceVersion ?? resourceVersion;
    if (type === 'BOOKMARK') send({ type, resourceVersion });
    else send({ type, object: clean(object, selection.apiVersion, selection.kind) });
  };
  const start = async (): Promise<void> => {
    if (stopped) return;
    let ended = false;
    try {
      if (resourceVersion === undefined) {
        const listing = await cluster.list(selection);
        resourceVersion = listing.resourceVersion;
        send({ type: 'LIST', items: listing.items, resourceVersion });
      }
      const query = { resourceVersion, allowWatchBookmarks: true, labelSelector: selection.labelSelector };
      controller = await cluster.watch(path, query, onEvent, (error) => {
        ended = true;
        if (stopped) return;
        if (isGone(error)) resourceVersion = undefined;
        // An ordinary end: the server's timeout, client-node's 30 s of silence, or our own abort after a 410.
        const ordinary = !error || isGone(error) || error instanceof DOMException || (error as Error).name === 'AbortError';
        if (ordinary) schedule(RESTART_MS);
        else fail(error);
      });
      if (stopped) controller.abort();
      else if (!ended && failing) {
        failing = false;
        send({ type: 'STATUS', ok: true });
      }
    } catch (error) {
      if (!stopped) fail(error);
    }
  };

  void start();
  return () => {
    stopped = true;
    clearTimeout(timer);
    controller?.abort();
  };
}

export async function streamWatches(
  res: ServerResponse,
  cluster: Cluster,
  requests: WatchRequest[],
  headers: Record<string, string>,
): Promise<void> {
  // Resolve every kind before the 200 goes out; a kind the cluster does not serve fails its watch alone.
  const paths = await Promise.all(
    requests.map((r) =>
      cluster.collectionPath(r.selection).catch((error: unknown) => {
        if (error instanceof HttpError && error.status < 500) return error;
        throw error;
      }),
    ),
  );
  startStream(res, headers);
  let closed = false;
  const write = (message: Record<string, unknown>) => {
    if (!closed) res.write(`${JSON.stringify(message)}\n`);
  };
  const stops = requests.map((request, i) => {
    const path = paths[i]!;
    if (path instanceof HttpError) {
      write({ id: request.id, type: 'ERROR', status: path.status, message: path.message });
      return () => {};
    }
    return follow(cluster, path, request, (message) => write({ id: request.id, ...message }));
  });
  const ping = setInterval(() => write({ type: 'PING' }), PING_MS);
  await new Promise<void>((resolve) => {
    const stop = () => {
      if (closed) return;
      closed = true;
      clearInterval(ping);
      for (const s of stops) s();
      resolve();
    };
    // The response's close, not the request's: a request closes once its body is read.
    res.on('close', stop);
  });
}
