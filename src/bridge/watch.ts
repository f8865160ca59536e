// A watch streamed to a page as NDJSON, one message a line:
//   {"type":"LIST","items":[...],"resourceVersion":"…"}   the whole set (first, and after a 410)
//   {"type":"ADDED"|"MODIFIED"|"DELETED","object":{…}}    one change
//   {"type":"BOOKMARK","resourceVersion":"…"}            progress without a change
//   {"type":"STATUS","ok":false,"message":"…"}           the cluster stopped answering; retrying
//   {"type":"PING"}                                       keep-alive
// A page that reconnects sends the last resourceVersion it saw and gets only what it missed.
// Watches at the API server end (client-node closes them after 30 s of silence, the server
// after its timeout); the bridge restarts them from the last resourceVersion unseen by the page.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubernetesObject } from '@kubernetes/client-node';
import { clean, type Cluster } from './cluster.ts';
import { startStream } from './http.ts';
import type { Selection } from './params.ts';

const PING_MS = 15_000;
const RETRY_MS = [500, 1000, 2000, 5000];
/** Pause before restarting a watch that ended normally, so a server that ends them at once cannot spin the bridge. */
const RESTART_MS = 100;

export interface WatchRequest {
  selection: Selection;
  /** Where the page left off; without it the stream starts with a LIST. */
  resourceVersion?: string;
}

function isGone(error: unknown): boolean {
  return (error as { statusCode?: number })?.statusCode === 410;
}

export async function streamWatch(req: IncomingMessage, res: ServerResponse, cluster: Cluster, request: WatchRequest, headers: Record<string, string>): Promise<void> {
  const { selection } = request;
  // Resolve the kind before the 200 goes out, so an unknown kind is a plain 404.
  const path = await cluster.collectionPath(selection);
  startStream(res, headers);

  let resourceVersion = request.resourceVersion;
  let closed = false;
  let controller: AbortController | undefined;
  let retry = 0;
  let failing = false;
  let timer: NodeJS.Timeout | undefined;
  const send = (message: unknown) => {
    if (!closed) res.write(`${JSON.stringify(message)}\n`);
  };
  const ping = setInterval(() => send({ type: 'PING' }), PING_MS);

  const relist = async () => {
    const listing = await cluster.list(selection);
    resourceVersion = listing.resourceVersion;
    send({ type: 'LIST', items: listing.items, resourceVersion });
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
    if (closed) return;
    let ended = false;
    try {
      if (resourceVersion === undefined) await relist();
      const query = { resourceVersion, allowWatchBookmarks: true, labelSelector: selection.labelSelector };
      controller = await cluster.watch(path, query, onEvent, (error) => {
        ended = true;
        if (closed) return;
        if (isGone(error)) resourceVersion = undefined;
        // An ordinary end: the server's timeout, client-node's 30 s of silence, or our own abort after a 410.
        const ordinary = !error || isGone(error) || error instanceof DOMException || (error as Error).name === 'AbortError';
        if (ordinary) schedule(RESTART_MS);
        else fail(error);
      });
      if (closed) controller.abort();
      else if (!ended && failing) {
        failing = false;
        send({ type: 'STATUS', ok: true });
      }
    } catch (error) {
      if (!closed) fail(error);
    }
  };
  const fail = (error: unknown) => {
    failing = true;
    send({ type: 'STATUS', ok: false, message: cluster.httpError(error).message });
    schedule(RETRY_MS[Math.min(retry++, RETRY_MS.length - 1)]!);
  };
  const schedule = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => void start(), ms);
  };

  await new Promise<void>((resolve) => {
    const stop = () => {
      if (closed) return;
      closed = true;
      clearInterval(ping);
      clearTimeout(timer);
      controller?.abort();
      resolve();
    };
    req.on('close', stop);
    res.on('close', stop);
    void start();
  });
}
