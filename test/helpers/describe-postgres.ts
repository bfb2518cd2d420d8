import { describeNeeding } from './describe-needing';
import { postgresUnavailableReason } from './postgres';

/** With CI=true a missing server is a failure; elsewhere the suite is skipped with the reason. */
export function describePostgres(name: string, body: () => void): void {
  describeNeeding('PostgreSQL', postgresUnavailableReason())(name, body);
}
