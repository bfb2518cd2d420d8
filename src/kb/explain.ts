import { decodeCodes, type DecodedCode } from './codes';
import type { Entities } from './entities';
import { fillFollowUps, postureFollowUps } from './follow-ups';
import { loadKnowledgeBase, type KnowledgeBase } from './load';
import { createMatcher, type Matcher, type Signal } from './matcher';
import type { KbEntry } from './schema';
import { prepareText } from './text';

/** Below this confidence nothing is claimed: the answer is `explain.no-match` with the closest candidate as a question. */
export const MATCH_THRESHOLD = 0.5;
/** A candidate this close is still worth offering as "did you mean". */
const CLOSEST_FLOOR = 0.3;
const MAX_MATCHES = 5;

export interface ExplainMatch {
  entry: KbEntry;
  confidence: number;
  score: number;
  signals: Signal[];
}

/** Everything `explain` found in a text: facts only, no chat wording (commands/explain.ts words it). */
export interface ExplainResult {
  /** Entries at or above the threshold, best first. */
  matches: ExplainMatch[];
  /** The best candidate below the threshold, when nothing reached it. */
  closest?: ExplainMatch;
  codes: DecodedCode[];
  entities: Entities;
  followUps: string[];
  /** The text was longer than MAX_TEXT and only its start was analysed. */
  truncated: boolean;
}

export interface Explainer {
  explain(text: string): ExplainResult;
  readonly kb: KnowledgeBase;
  readonly matcher: Matcher;
}

export interface ExplainerOptions {
  maxCandidates?: number;
}

/** Builds an explainer over a knowledge base (the built-in one by default). */
export function createExplainer(kb: KnowledgeBase = loadKnowledgeBase(), options: ExplainerOptions = {}): Explainer {
  const matcher = createMatcher(kb.entries, { maxCandidates: options.maxCandidates, index: kb.index });

  function withMeaning(code: DecodedCode): DecodedCode {
    for (const key of code.keys) {
      const meaning = kb.meanings.get(key);
      if (meaning) return { ...code, meaning: key === code.keys[0] || !code.meaning ? meaning : `${code.meaning} ${meaning}` };
    }
    return code;
  }

  function explain(input: string): ExplainResult {
    const prepared = prepareText(input);
    const codes = decodeCodes(prepared.text, prepared.lower).map(withMeaning);
    const codeKeys = new Set<string>();
    for (const code of codes) for (const key of code.keys) codeKeys.add(key);
    const ranked = matcher.match({ tokens: prepared.tokens, codeKeys, text: prepared.text });
    const matches = ranked.filter((m) => m.confidence >= MATCH_THRESHOLD).slice(0, MAX_MATCHES);
    const best = ranked[0];
    const closest = matches.length === 0 && best && best.confidence >= CLOSEST_FLOOR ? best : undefined;
    const followUps = fillFollowUps([...matches.flatMap((m) => m.entry.followUps), ...postureFollowUps(codeKeys, prepared.text)], prepared.entities);
    return { matches, closest, codes, entities: prepared.entities, followUps, truncated: prepared.truncated };
  }

  return { explain, kb, matcher };
}

let shared: Explainer | undefined;

/** Explains a text with the built-in knowledge base (loaded and compiled on first use). */
export function explainText(text: string): ExplainResult {
  shared ??= createExplainer();
  return shared.explain(text);
}
