import { setTimeout as sleep } from 'node:timers/promises';
import { createBackgroundWork } from '../../../src/core/background';
import { captureLogger } from '../../helpers/logger';

/** The doors' background work: stop() waits, then aborts what is left, then waits once more. */
describe('createBackgroundWork', () => {
  it('waits for tracked work to end within the grace period, without aborting it', async () => {
    const logger = captureLogger();
    const work = createBackgroundWork(logger, 'test task');
    let done = false;
    work.track(sleep(30).then(() => (done = true)));
    expect(work.size).toBe(1);
    expect(await work.drain(1000)).toBe(true);
    expect(done).toBe(true);
    expect(work.signal.aborted).toBe(false);
    expect(work.size).toBe(0);
  });

  it('aborts work still running after the grace period, and reports whether it then ended', async () => {
    const logger = captureLogger();
    const work = createBackgroundWork(logger, 'test task');
    work.track(new Promise((resolve) => work.signal.addEventListener('abort', resolve)));
    let told = 0;
    expect(await work.drain(20, () => (told += 1))).toBe(true);
    expect(work.signal.aborted).toBe(true);
    expect(told).toBe(1);

    const stubborn = createBackgroundWork(logger, 'stubborn task');
    stubborn.track(new Promise(() => undefined));
    expect(await stubborn.drain(20)).toBe(false);
  });

  it('logs a failed task instead of leaving its rejection unhandled', async () => {
    const logger = captureLogger();
    const work = createBackgroundWork(logger, 'test task');
    work.track(Promise.reject(new Error('boom')));
    expect(await work.drain(100)).toBe(true);
    expect(JSON.stringify(logger.lines)).toMatch(/test task failed/);
  });
});
