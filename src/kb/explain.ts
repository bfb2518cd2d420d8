import { decodeCodes, type DecodedCode } from './codes';
import type { Entities } from './entities';
import { fillFollowUps, postureFollowUps } from './follow-ups';
import { loadKnowledgeBase, type KnowledgeBase } from './load';
import { calibrate, hasStrongEvidence, MATCH_THRESHOLD, RELATED_FLOOR, type Band } from './calibrate';
import { smtpDirection, type SmtpDirection } from './direction';
import { createLazyMatcher, createMatcher, type Matcher, type Signal } from './matcher';
import { detectPlatform } from './platform';
import type { KbEntry, Platform } from './schema';
import { prepareText } from './text';

/** A runner-up is shown beside the diagnosis only when its score is at least this share of the top score. */
const RUNNER_UP_SHARE = 0.75;
const MAX_MATCHES = 3;
const MAX_RELATED = 3;

export { bandOf, hasStrongEvidence, MATCH_THRESHOLD, RELATED_FLOOR, type Band } from './calibrate';

export interface ExplainMatch {
  entry: KbEntry;
  confidence: number;
  score: number;
  signals: Signal[];
}

/** Everything `explain` found in a text: facts only, no chat wording (commands/explain.ts words it). */
export interface ExplainResult {
  band: Band;
  /** The diagnosis and close runner-ups, best first (empty unless band is `diagnosis`). */
  matches: ExplainMatch[];
  /** Weaker candidates, offered as a question, when there is no diagnosis. */
  related: ExplainMatch[];
  /** The best candidate below the diagnosis (= related[0]), kept for callers of the first version. */
  closest?: ExplainMatch;
  codes: DecodedCode[];
  entities: Entities;
  /** Windows or Linux, as the paste reads, when the diagnosis has platform steps; undefined when it does not say. */
  platform?: Platform;
  followUps: string[];
  /** The text was longer than MAX_TEXT and only its start was analysed. */
  truncated: boolean;
  /**
   * Which side refused, for an SMTP refusal that says so: `inbound` (our server refused a client), `outbound` (a remote
   * server refused us). Read when an entry about one side was weighed; undefined otherwise.
   */
  direction?: SmtpDirection;
  /** Why the answer's order or band differs from the raw scores (calibrate.ts): a generic entry yielded, neighbours were close. */
  notes: string[];
}

export interface Explainer {
  explain(text: string): ExplainResult;
  readonly kb: KnowledgeBase;
  readonly matcher: Matcher;
}

export interface ExplainerOptions {
  maxCandidates?: number;
  /**
   * Entries to leave out of the answer, asked per candidate: a leave-one-out study (scripts/explain-leave-one-out.js)
   * removes the entry that answers a paste and sees what the rest of the knowledge base claims.
   */
  leaveOut?: (entryId: string) => boolean;
}

/** Builds an explainer over a knowledge base (the built-in one by default). */
export function createExplainer(kb: KnowledgeBase = loadKnowledgeBase(), options: ExplainerOptions = {}): Explainer {
  // The build's index reads an entry when a text first offers it; without one, the index is built from every entry.
  const matcher = kb.index
    ? createLazyMatcher(kb.index, { maxCandidates: options.maxCandidates })
    : createMatcher(kb.entries, { maxCandidates: options.maxCandidates });

  function withMeaning(code: DecodedCode): DecodedCode {
    for (const key of code.keys) {
      const meaning = kb.meanings.get(key);
      if (meaning)
        return { ...code, meaning: key === code.keys[0] || !code.meaning ? meaning : `${code.meaning} ${meaning}` };
    }
    return code;
  }

  function explain(input: string): ExplainResult {
    const prepared = prepareText(input);
    const codes = decodeCodes(prepared.text, prepared.lower).map(withMeaning);
    const codeKeys = new Set<string>();
    for (const code of codes) for (const key of code.keys) codeKeys.add(key);
    // Read only when an entry about one side of an SMTP refusal is weighed (matcher.ts).
    let direction: SmtpDirection | undefined;
    let directionRead = false;
    const directionOf = (): SmtpDirection | undefined => {
      if (!directionRead) {
        directionRead = true;
        direction = smtpDirection(prepared.text, prepared.lower);
      }
      return direction;
    };
    const candidates = matcher.match({
      tokens: prepared.tokens,
      hidden: prepared.hidden,
      codeKeys,
      text: prepared.text,
      direction: directionOf,
    });
    const { leaveOut } = options;
    const { ranked, band, notes } = calibrate(
      leaveOut ? candidates.filter((m) => !leaveOut(m.entry.id)) : candidates,
      matcher.contrast,
      { text: prepared.text, lower: prepared.lower, codeKeys },
    );
    const top = ranked[0];
    // A catch-all is never shown as a runner-up beside a specific diagnosis: the specific one says more.
    const matches =
      band === 'diagnosis' && top
        ? ranked
            .filter(
              (m, i) =>
                i === 0 ||
                (m.confidence >= MATCH_THRESHOLD &&
                  m.score >= top.score * RUNNER_UP_SHARE &&
                  hasStrongEvidence(m) &&
                  (top.entry.generic || !m.entry.generic)),
            )
            .slice(0, MAX_MATCHES)
        : [];
    const related =
      band === 'possibly-related' ? ranked.filter((m) => m.confidence >= RELATED_FLOOR).slice(0, MAX_RELATED) : [];
    // Follow-ups come from a diagnosis only: a guess does not earn a probe.
    // An authentication or TLS rejection of a sending domain the organisation owns earns `mail <domain>` (codes only).
    const followUps = fillFollowUps(
      [...matches.flatMap((m) => m.entry.followUps), ...postureFollowUps(codeKeys, prepared.text)],
      prepared.entities,
      prepared.text,
    );
    return {
      band,
      matches,
      related,
      closest: related[0],
      codes: orderCodes(codes, matches[0]),
      entities: prepared.entities,
      // Only steps tagged by platform need the platform: the scan is not worth it otherwise.
      platform: matches.some((m) => m.entry.fix.steps.some((step) => step.platform !== undefined))
        ? detectPlatform(prepared.text)
        : undefined,
      followUps,
      truncated: prepared.truncated,
      direction,
      notes,
    };
  }

  return { explain, kb, matcher };
}

/**
 * The codes the diagnosis itself names come first, so the decode under the answer reads as its detail, not as
 * a competing story; the others keep their order of appearance.
 */
function orderCodes(codes: DecodedCode[], top: ExplainMatch | undefined): DecodedCode[] {
  if (!top) return codes;
  const named = new Set(top.signals.filter((s) => s.kind === 'code').map((s) => s.detail));
  if (named.size === 0) return codes;
  const isNamed = (c: DecodedCode): boolean => c.keys.some((k) => named.has(k));
  return [...codes.filter(isNamed), ...codes.filter((c) => !isNamed(c))];
}

let shared: Explainer | undefined;

/** Explains a text with the built-in knowledge base (loaded and compiled on first use). */
export function explainText(text: string): ExplainResult {
  shared ??= createExplainer();
  return shared.explain(text);
}
