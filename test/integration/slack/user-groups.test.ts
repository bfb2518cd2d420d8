import { setTimeout as sleep } from 'node:timers/promises';
import { sendSigned } from '../../helpers/slack-capture';
import { findingIds } from '../../unit/slack/block-kit-limits';
import { slashCommand } from '../../unit/slack/fixtures';
import { SECRET, startHarness, type Harness } from './harness';

/**
 * Roles that name a Slack user group (S…): the Slack door reads the members with usergroups.list from the
 * capture server standing in for Slack, caches them for the TTL, and grants nothing while Slack cannot be asked.
 */
const ADMINS_GROUP = 'S0MAILADMINS';
const MEMBER = 'U0GROUPIE';
const OUTSIDER = 'U0OUTSIDER';
const TTL_MS = 400;

let h: Harness | undefined;
let hook = 0;

afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function start(): Promise<Harness> {
  h = await startHarness({ roles: { admins: [ADMINS_GROUP], operators: [] }, userGroupsTtlMs: TTL_MS });
  return h;
}

function groups(members: Record<string, string[]>): { status: number; body: unknown } {
  return { status: 200, body: { ok: true, usergroups: Object.entries(members).map(([id, users]) => ({ id, users })) } };
}

/** `/diag <text>` as `user`; resolves with the finding ids of the answer. */
async function diagAs(harness: Harness, user: string, text: string): Promise<string[]> {
  hook += 1;
  const id = `group-${hook}`;
  const { status } = await sendSigned(
    harness.events,
    { form: { ...slashCommand(text, harness.capture.responseUrl(id), { user_id: user }) } },
    { secret: SECRET },
  );
  expect(status).toBe(200);
  const answer = await harness.capture.waitFor((c) => c.name === id);
  return findingIds(answer.body.blocks);
}

const listCalls = (harness: Harness): number =>
  harness.capture.calls.filter((c) => c.name === 'usergroups.list').length;

describe('Slack user groups in roles', () => {
  it('fails closed while Slack cannot say who is in the group (missing scope)', async () => {
    const harness = await start();
    harness.capture.script('usergroups.list', [
      { status: 200, body: { ok: false, error: 'missing_scope', needed: 'usergroups:read' } },
    ]);
    expect(await diagAs(harness, MEMBER, 'audit')).toContain('auth.forbidden');
    expect(listCalls(harness)).toBe(1);
  });

  it("grants the group's role to its members, asks once per TTL, and sees a removal after the TTL", async () => {
    const harness = await start();
    harness.capture.script('usergroups.list', [
      groups({ [ADMINS_GROUP]: [MEMBER, 'U0OTHER'], S0HELPDESK: [OUTSIDER] }),
      groups({ [ADMINS_GROUP]: ['U0OTHER'], S0HELPDESK: [OUTSIDER, MEMBER] }),
    ]);
    const first = await Promise.all([
      diagAs(harness, MEMBER, 'audit'),
      diagAs(harness, OUTSIDER, 'audit'),
      diagAs(harness, MEMBER, 'help'),
    ]);
    expect(first[0]).not.toContain('auth.forbidden');
    expect(first[1]).toContain('auth.forbidden');
    // Three requests together, one Web API call, for every group's members.
    expect(listCalls(harness)).toBe(1);
    expect(String(harness.capture.calls.find((c) => c.name === 'usergroups.list')?.body.include_users)).toBe('true');

    await sleep(TTL_MS + 100);
    expect(await diagAs(harness, MEMBER, 'audit')).toContain('auth.forbidden');
    expect(listCalls(harness)).toBe(2);
  });
});
