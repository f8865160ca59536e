// Request bodies are read up to a limit: a body that declares a larger length is refused before
// a byte of it is read, and one that does not declare it is cut off when it passes the limit.
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readBody, readBodyBytes } from '../../src/bridge/limits.ts';

/** A request whose body is these chunks; `read` counts the chunks the reader pulled. */
function request(chunks: string[], headers: Record<string, string> = {}) {
  const counter = { read: 0 };
  const body = Readable.from(
    (function* () {
      for (const chunk of chunks) {
        counter.read++;
        yield Buffer.from(chunk);
      }
    })(),
  );
  return { req: Object.assign(body, { headers }) as unknown as IncomingMessage, counter };
}

describe('reading a request body', () => {
  it('returns the bytes, or the text, of a body within the limit', async () => {
    expect((await readBodyBytes(request(['ab', 'cd']).req, 4)).toString()).toBe('abcd');
    expect(await readBody(request(['{"a":', '1}']).req, 100)).toBe('{"a":1}');
  });

  it('refuses a declared larger body with 413 before reading it', async () => {
    const { req, counter } = request(['abcde'], { 'content-length': '5' });
    await expect(readBodyBytes(req, 4)).rejects.toMatchObject({ status: 413, headers: { Connection: 'close' } });
    expect(counter.read).toBe(0);
  });

  it('stops at the limit when the length is not declared', async () => {
    const { req, counter } = request(Array.from({ length: 1000 }, () => 'ab'));
    await expect(readBodyBytes(req, 4)).rejects.toMatchObject({ status: 413, message: 'request body larger than 4 bytes' });
    expect(counter.read).toBeLessThan(1000);
  });
});
