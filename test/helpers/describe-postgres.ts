import { runtimeInfo } from '../../src/config/load';
import { postgresUnavailableReason } from './postgres';

/** With CI=true a missing server is a failure; elsewhere the suite is skipped with the reason. */
export function describePostgres(name: string, body: () => void): void {
  const unavailable = postgresUnavailableReason();
  if (!unavailable) {
    describe(name, body);
    return;
  }
  describe(name, () => {
    if (runtimeInfo().ci) {
      it('needs PostgreSQL in CI', () => {
        throw new Error(`PostgreSQL is required in CI: ${unavailable}`);
      });
    } else {
      it.skip(`skipped: ${unavailable}`, () => undefined);
    }
  });
}
