// Who holds a request's bearer token: one learner, the instructor, or nobody. Tokens are looked up
// by their SHA-256 digest, so that finding one says nothing about how close a wrong guess was.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from '../../bridge/http.ts';
import type { LearnerRecord, WorkshopRecord } from '../state.ts';

export type Holder = { kind: 'learner'; learner: LearnerRecord } | { kind: 'instructor' };

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

export function bearerToken(req: IncomingMessage): string {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
}

export class Keys {
  private readonly holders = new Map<string, Holder>();

  constructor(record: WorkshopRecord) {
    this.holders.set(digest(record.instructorToken), { kind: 'instructor' });
    for (const learner of record.learners) this.holders.set(digest(learner.token), { kind: 'learner', learner });
  }

  /** The holder of the request's token; 401 when it has none or an unknown one. */
  holder(req: IncomingMessage): Holder {
    const token = bearerToken(req);
    const holder = token.length >= 20 ? this.holders.get(digest(token)) : undefined;
    if (!holder)
      throw new HttpError(401, 'missing or wrong workshop token: open the link your instructor gave you', { 'WWW-Authenticate': 'Bearer' });
    return holder;
  }

  /** A learner's token, else 401 (none) or 403 (the instructor's: it opens no learner's cluster). */
  learner(req: IncomingMessage): LearnerRecord {
    const holder = this.holder(req);
    if (holder.kind !== 'learner') throw new HttpError(403, 'the instructor token opens no learner’s cluster');
    return holder.learner;
  }

  /** The instructor's token, else 401 (none) or 403 (a learner's). */
  instructor(req: IncomingMessage): void {
    if (this.holder(req).kind !== 'instructor') throw new HttpError(403, 'learners cannot open the instructor’s page');
  }
}
