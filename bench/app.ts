import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App, type AppOverrides } from '../src/app/create-app';
import type { Serving } from '../src/app/serve';
import { parseConfig } from '../src/config/load';
import { silentLogger } from '../src/log/logger';

/** Rate limits no benchmark reaches: they measure a door or a command, not the limits (bench/guard.ts does). */
const OUT_OF_REACH = { points: 100_000, durationSeconds: 1 };

export interface BenchApp {
  app: App;
  serving: Serving;
  /** http://127.0.0.1:<port> */
  base: string;
  close(): Promise<void>;
}

export interface BenchAppOptions {
  /** Loopback ports the HTTP host may take (a free one is tried at random). */
  ports: { from: number; to: number };
  /** Tokens the config takes from the environment only. */
  slack?: { botToken: string; signingSecret: string };
  overrides?: AppOverrides;
}

/**
 * diagbot as `diagbot serve` runs it, for a benchmark: `createApp` + `app.serve()` on 127.0.0.1 with a temporary
 * SQLite store (unless `overrides.store` is given), silent logs and the rate limits out of reach.
 */
export async function serveBenchApp(settings: Record<string, unknown>, options: BenchAppOptions): Promise<BenchApp> {
  const dir = mkdtempSync(join(tmpdir(), 'diagbot-bench-app-'));
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = options.ports.from + Math.floor(Math.random() * (options.ports.to - options.ports.from + 1));
    const config = parseConfig({
      store: { path: join(dir, 'diagbot.db') },
      limits: { perUser: OUT_OF_REACH, perChannel: OUT_OF_REACH, concurrentPerTarget: 1000 },
      ...settings,
      http: { host: '127.0.0.1', port },
    });
    if (options.slack) Object.assign(config.slack, options.slack);
    const app = await createApp(config, { serving: true, log: silentLogger(), ...options.overrides });
    try {
      const serving = await app.serve();
      return {
        app,
        serving,
        base: `http://127.0.0.1:${serving.port}`,
        close: async () => {
          await serving.stop();
          await app.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      await app.close();
      if ((error as { code?: unknown }).code !== 'EADDRINUSE') throw error;
    }
  }
  throw new Error(`no free port in ${options.ports.from}-${options.ports.to}`);
}
