import { runtimeInfo } from '../../src/config/load';

/**
 * The `describe` for a suite that needs a real server (`what`): `describe` when it is there. When it is not
 * (`unavailable` says why), a test is registered that fails under CI=true — in CI a missing server is a failure —
 * and is skipped with the reason elsewhere, and `describe.skip` is returned for the suite itself.
 */
export function describeNeeding(what: string, unavailable: string | undefined): typeof describe {
  if (!unavailable) return describe;
  describe(`needs ${what}`, () => {
    if (runtimeInfo().ci) {
      it(`needs ${what} in CI`, () => {
        throw new Error(`CI needs ${what}: ${unavailable}`);
      });
    } else {
      it.skip(`skipped: ${unavailable}`, () => undefined);
    }
  });
  return describe.skip;
}
