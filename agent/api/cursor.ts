/**
 * Opaque list cursors: the position of a page's last row, as base64url JSON signed with an HMAC, so a
 * client cannot forge or edit one (a tampered cursor is a 400 naming `cursor`, never a query on made-up
 * values). The key is made per server process: cursors do not survive a restart of the agent, which a
 * client sees as a 400 and answers by starting the list again.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ApiError } from './api-error.js';

const MAX_CURSOR = 512;

export class CursorCodec {
  readonly #key: Buffer;

  constructor(key: Buffer = randomBytes(32)) {
    this.#key = key;
  }

  #sign(payload: string): Buffer {
    return createHmac('sha256', this.#key).update(payload).digest().subarray(0, 16);
  }

  /** The cursor text for a position (any JSON value). */
  encode(position: unknown): string {
    const payload = Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
    return `${payload}.${this.#sign(payload).toString('base64url')}`;
  }

  /** The position a cursor stands for; ApiError BAD_PARAMETER for anything this server did not make. */
  decode(cursor: string, parameter = 'cursor'): unknown {
    const [payload, signature, extra] = cursor.length > MAX_CURSOR ? [] : cursor.split('.');
    const given = Buffer.from(signature ?? '', 'base64url');
    const expected = payload === undefined ? null : this.#sign(payload);
    if (
      extra !== undefined ||
      expected === null ||
      given.length !== expected.length ||
      !timingSafeEqual(given, expected)
    ) {
      throw new ApiError(
        'BAD_PARAMETER',
        `${parameter}: not a cursor from this server (tampered, or from before a restart); start the list again`,
      );
    }
    return JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8'));
  }
}
