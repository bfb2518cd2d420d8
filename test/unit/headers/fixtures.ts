import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A hand-written header block from test/fixtures/headers (shapes Exchange, Exchange Online, Gmail and Postfix write). */
export function fixture(name: string): string {
  return readFileSync(join(__dirname, '..', '..', 'fixtures', 'headers', name), 'utf8');
}

/** A Received: line from `from` to `by` at `time` (RFC 5322 date). */
export function received(from: string, by: string, time: string): string {
  return `Received: from ${from} (${from} [192.0.2.10])\n\tby ${by} (Postfix) with ESMTP id 4Abc\n\tfor <x@example.org>; ${time}`;
}
