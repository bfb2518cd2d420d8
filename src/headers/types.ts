import type { ReceivedParts } from './received';

/**
 * The facts the headers engine finds in a pasted header block. Plain data, no chat text: commands/headers.ts
 * turns them into a Reply.
 */

/** One `Received:` header, as a hop from `from` to `by`: its clauses (received.ts) and its place in the chain. */
export interface Hop extends Omit<ReceivedParts, 'date' | 'dateText'> {
  /** Position in the chain, 0 = the hop nearest the sender. */
  index: number;
  /** The time stamp, ISO 8601 in UTC; absent when the header has none or it could not be read. */
  at?: string;
  /** Seconds since the previous hop's stamp, never negative; absent for the first hop and when either time is unknown. */
  delaySeconds?: number;
  /** Seconds this stamp is earlier than the previous one: the two clocks disagree (skew), it is not a delay. */
  skewSeconds?: number;
  /** The header as unfolded and decoded. */
  raw: string;
}

export interface AuthResult {
  result: string;
  domain?: string;
  reason?: string;
  /** The DKIM selector, the DMARC policy applied (`action=` or `p=`), the ARC instance … */
  detail?: string;
  /** Where the verdict came from, e.g. `Authentication-Results (mx.google.com)`. */
  source: string;
}

export interface DkimSignature {
  domain: string;
  selector: string;
  algorithm?: string;
}

export interface AuthSummary {
  spf?: AuthResult;
  dkim?: AuthResult;
  dmarc?: AuthResult;
  compauth?: AuthResult;
  arc?: AuthResult;
  /** Every DKIM-Signature header's d= and s=. */
  signatures: DkimSignature[];
}

/** A spam, bulk or routing verdict field decoded into words. */
export interface Verdict {
  /** `Microsoft 365`, `Gmail`, `SpamAssassin`, `rspamd`, `Postfix` … */
  source: string;
  field: string;
  value: string;
  meaning: string;
  /** `spam` when this field says the message was (or would be) junked, `allow` when a list or rule let it skip filtering. */
  kind: 'spam' | 'bulk' | 'allow' | 'info' | 'delay';
}

/** What was odd about the paste; each is said in the answer. */
export type Problem =
  | { kind: 'cut'; bytes: number; limit: number }
  | { kind: 'too-many-hops'; hops: number; limit: number }
  | { kind: 'body'; lines: number }
  | { kind: 'leading-text'; lines: number }
  | { kind: 'starts-mid-header' }
  | { kind: 'no-date'; hop: number }
  | { kind: 'bad-date'; hop: number; text: string }
  | { kind: 'unknown-zone'; hop: number; text: string }
  | { kind: 'no-by'; hop: number };

export interface HeaderAnalysis {
  /** True when the text holds a header block (several Received: lines, or authentication headers). */
  found: boolean;
  hops: Hop[];
  largestDelay: { hop: number; seconds: number } | null;
  /** Total time from the first to the last known stamp. */
  totalSeconds?: number;
  /** Seconds from the Date: header to the first stamp (negative when Date: is later: the sender's clock is ahead). */
  submissionSeconds?: number;
  auth: AuthSummary;
  verdicts: Verdict[];
  messageId?: string;
  subject?: string;
  from?: string;
  /** The domain of the From: address. */
  fromDomain?: string;
  /** The domains of To:, Delivered-To: and X-Original-To:, to tell an organisation's own domain from a stranger's. */
  recipientDomains: string[];
  date?: string;
  problems: Problem[];
  /** How many header fields were read. */
  fieldCount: number;
}
