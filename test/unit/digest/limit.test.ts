import fc from 'fast-check';
import { mapLimit, Semaphore } from '../../../src/digest/limit';

it('property: mapLimit keeps order and never has more than `limit` calls in flight', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.nat(3), { maxLength: 40 }), fc.integer({ min: 1, max: 8 }), async (delays, limit) => {
      let inFlight = 0;
      let peak = 0;
      const results = await mapLimit(delays, limit, async (delay, index) => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        for (let i = 0; i < delay; i += 1) await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
        return index * 2;
      });
      expect(results).toEqual(delays.map((_, i) => i * 2));
      expect(peak).toBeLessThanOrEqual(limit);
    }),
    { numRuns: 50 },
  );
});

it('Semaphore hands places out in arrival order and ignores a second release', async () => {
  const semaphore = new Semaphore(1);
  const order: string[] = [];
  const first = await semaphore.acquire();
  const second = semaphore.acquire().then((release) => (order.push('second'), release));
  const third = semaphore.acquire().then((release) => (order.push('third'), release));
  first();
  first();
  const releaseSecond = await second;
  for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
  // The repeated release did not free a second place: third still waits for second.
  expect(order).toEqual(['second']);
  releaseSecond();
  (await third)();
  expect(order).toEqual(['second', 'third']);
  expect(() => new Semaphore(0)).toThrow(/>= 1/);
});
