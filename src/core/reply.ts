import type { FindingId } from './finding-ids';

export type { FindingId } from './finding-ids';

/**
 * The one answer shape every command returns and every renderer reads (contracts/reply.md).
 * Plain data: no platform markup, no functions, JSON-serialisable.
 */

export type Severity = 'ok' | 'info' | 'warn' | 'fail' | 'error';
export type Status = 'ok' | 'warn' | 'fail' | 'error';

export interface Link {
  title: string;
  url: string;
}

export interface Fix {
  summary: string;
  steps?: string[];
  links?: Link[];
}

export interface Finding {
  /** Stable id from contracts/reply.md, e.g. `cert.expiring-soon`; a misspelt one fails the typecheck. */
  id: FindingId;
  severity: Severity;
  message: string;
  fix?: Fix;
  /** Facts of this one finding where the command's `data` is not enough (e.g. `mail.starttls.cert`: the cert ids). */
  data?: Record<string, unknown>;
}

export interface Fact {
  label: string;
  value: string;
}

/** A follow-up the user can run with one click: `command` is plain command text. */
export interface Action {
  label: string;
  command: string;
}

export interface Reply {
  command: string;
  status: Status;
  title: string;
  findings: Finding[];
  facts: Fact[];
  actions: Action[];
  data: Record<string, unknown>;
}

const STATUS_RANK: Record<Status, number> = { ok: 0, warn: 1, fail: 2, error: 3 };

/** Maps a finding severity onto the status scale (`info` counts as `ok`). */
export function severityToStatus(severity: Severity): Status {
  switch (severity) {
    case 'ok':
    case 'info':
      return 'ok';
    case 'warn':
      return 'warn';
    case 'fail':
      return 'fail';
    case 'error':
      return 'error';
    default: {
      const unreachable: never = severity;
      throw new Error(`unknown severity ${String(unreachable)}`);
    }
  }
}

/** The worst status among the findings; `ok` when there are none. */
export function worstStatus(findings: readonly Finding[]): Status {
  let worst: Status = 'ok';
  for (const finding of findings) {
    const status = severityToStatus(finding.severity);
    if (STATUS_RANK[status] > STATUS_RANK[worst]) worst = status;
  }
  return worst;
}

export function statusRank(status: Status): number {
  return STATUS_RANK[status];
}

/** The one order of severities, least to most serious: `info` says something, `ok` only that all is well. */
const SEVERITY_RANK: Record<Severity, number> = { ok: 0, info: 1, warn: 2, fail: 3, error: 4 };

/** How serious a finding is on the one scale every renderer and command sorts by (higher is worse). */
export function severityRank(severity: Severity): number {
  return SEVERITY_RANK[severity];
}

export interface ReplyInit {
  command: string;
  title: string;
  findings: Finding[];
  facts?: Fact[];
  actions?: Action[];
  data?: Record<string, unknown>;
  /** Only for replies whose check could not run; otherwise the status is derived from the findings. */
  status?: Status;
}

/** Builds a Reply whose status is the worst of its findings (unless given). */
export function makeReply(init: ReplyInit): Reply {
  return {
    command: init.command,
    status: init.status ?? worstStatus(init.findings),
    title: init.title,
    findings: init.findings,
    facts: init.facts ?? [],
    actions: init.actions ?? [],
    data: init.data ?? {},
  };
}

/** A Reply for a check that could not run: status `error`, one finding saying why. */
export function errorReply(command: string, finding: Finding, data: Record<string, unknown> = {}): Reply {
  return makeReply({
    command,
    status: 'error',
    title: `${command}: ${finding.message}`,
    findings: [{ ...finding, severity: 'error' }],
    data,
  });
}

const RUNBOOK_TITLE = 'Your runbook';
const RUNBOOK_SUMMARY = "See your organisation's runbook.";

/**
 * Adds the organisation's runbook link (`config.links[findingId]`) to every finding that has one, so
 * commands never have to: the router applies it to each reply it returns. A finding without a fix gets
 * one that points at the runbook. Returns the same object when there is nothing to add, and never adds
 * a URL the fix already links to.
 */
export function withRunbookLinks(reply: Reply, runbooks: Readonly<Record<string, string>>): Reply {
  let changed = false;
  const findings = reply.findings.map((finding) => {
    // Own keys only: a finding id such as `constructor` must not pick up Object.prototype.
    const url = Object.hasOwn(runbooks, finding.id) ? runbooks[finding.id] : undefined;
    if (typeof url !== 'string' || url === '') return finding;
    if (finding.fix?.links?.some((link) => link.url === url)) return finding;
    changed = true;
    const link: Link = { title: RUNBOOK_TITLE, url };
    const fix: Fix = finding.fix
      ? { ...finding.fix, links: [...(finding.fix.links ?? []), link] }
      : { summary: RUNBOOK_SUMMARY, links: [link] };
    return { ...finding, fix };
  });
  return changed ? { ...reply, findings } : reply;
}
