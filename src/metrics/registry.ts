import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { Metrics } from './types';

export interface MetricsOptions {
  /** Process metrics (CPU, memory, event-loop lag, GC); on for `serve`, off where they are noise (tests). */
  defaultMetrics?: boolean;
}

/** Finding ids that mean a probe ran out of time (contracts/reply.md: `net.timeout` names the step). */
const TIMEOUT_FINDINGS = new Set(['net.timeout']);

/**
 * The Prometheus registry behind `GET /metrics` (prom-client): commands by name and status, how long they took,
 * probe timeouts, and how fast each door acknowledged Slack or Teams. Labels take only bounded values (command
 * names from the registry, statuses, platforms, doors), never user text or targets.
 */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });

  const commands = new Counter({
    name: 'diagbot_commands_total',
    help: 'Commands handled, by command name, reply status and platform.',
    labelNames: ['command', 'status', 'platform'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'diagbot_command_duration_seconds',
    help: 'Time from the router receiving a request to its Reply, by command and platform.',
    labelNames: ['command', 'platform'] as const,
    buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const timeouts = new Counter({
    name: 'diagbot_probe_timeouts_total',
    help: 'Probe steps that timed out (net.timeout findings), by command.',
    labelNames: ['command'] as const,
    registers: [registry],
  });
  const ack = new Histogram({
    name: 'diagbot_ack_latency_seconds',
    help: 'Time from a platform request arriving to its acknowledgement (Slack allows 3 s), by platform and door.',
    labelNames: ['platform', 'door'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5],
    registers: [registry],
  });

  const unhandled = new Counter({
    name: 'diagbot_unhandled_errors_total',
    help: 'Errors nothing caught that the last-resort handler logged and survived, by kind.',
    labelNames: ['kind'] as const,
    registers: [registry],
  });

  return {
    registry,
    countUnhandled(kind) {
      unhandled.inc({ kind });
    },
    onCompleted(event) {
      const platform = event.request.platform;
      commands.inc({ command: event.command, status: event.reply.status, platform });
      duration.observe({ command: event.command, platform }, event.durationMs / 1000);
      const timedOut = event.reply.findings.filter((finding) => TIMEOUT_FINDINGS.has(finding.id)).length;
      if (timedOut > 0) timeouts.inc({ command: event.command }, timedOut);
    },
    observeAck(platform, door, seconds) {
      if (Number.isFinite(seconds) && seconds >= 0) ack.observe({ platform, door }, seconds);
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
