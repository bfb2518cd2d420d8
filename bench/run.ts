/**
 * `npm run bench`: runs every benchmark (or those named on the command line) one after another and
 * prints their figures. Benchmarks only print; nothing here asserts a timing.
 */
const BENCHES: Record<string, () => Promise<{ run: () => Promise<void> }>> = {
  'cli-startup': () => import('./cli-startup'),
  guard: () => import('./guard'),
  slack: () => import('./slack'),
  relay: () => import('./relay'),
  digest: () => import('./digest'),
  explain: () => import('./explain'),
  cert: () => import('./cert'),
  teams: () => import('./teams'),
  ou: () => import('./ou'),
  fairness: () => import('./fairness'),
  replicas: () => import('./replicas'),
  mail: () => import('./mail'),
  headers: () => import('./headers'),
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const names = wanted.length > 0 ? wanted : Object.keys(BENCHES);
  for (const name of names) {
    const load = BENCHES[name];
    if (!load) {
      console.error(`unknown benchmark ${name}; known: ${Object.keys(BENCHES).join(', ')}`);
      process.exitCode = 64;
      return;
    }
    console.log(`# ${name}`);
    const bench = await load();
    await bench.run();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
