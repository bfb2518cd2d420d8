import type { Registry } from 'prom-client';
import type { CompletedEvent } from '../core/router';

/**
 * What the app counts (createMetrics in ./registry, on prom-client, for `serve`; `noMetrics` where nothing
 * serves GET /metrics). This file loads no library, so the terminal's start stays fast.
 */
export interface Metrics {
  /** prom-client's registry (absent from `noMetrics`). */
  readonly registry?: Registry;
  /** A router `completed` listener: counts the command, its duration and any `net.timeout` findings. */
  onCompleted(event: CompletedEvent): void;
  /** Time from a platform request's arrival to its acknowledgement. */
  observeAck(platform: string, door: string, seconds: number): void;
  /** An error that reached the process-wide last-resort handler (src/log/last-resort.ts). */
  countUnhandled(kind: string): void;
  /** The exposition for GET /metrics, in the shape createHttpServer's `metrics` option takes. */
  render(): Promise<{ contentType: string; body: string }>;
}

/** The terminal's metrics: nothing serves GET /metrics there, so nothing loads prom-client or counts. */
export function noMetrics(): Metrics {
  return {
    onCompleted: () => undefined,
    observeAck: () => undefined,
    countUnhandled: () => undefined,
    render: async () => ({ contentType: 'text/plain; version=0.0.4', body: '' }),
  };
}
