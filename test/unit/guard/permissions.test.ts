import type { ChatRequest } from '../../../src/core/chat-request';
import type { Role } from '../../../src/core/command';
import { roleAllows } from '../../../src/core/router';
import { applyCommandRoles, createRoleOf, DEFAULT_MIN_ROLES } from '../../../src/guard/roles';
import { harness, IDS, request, ROLES, stubCommands } from './fixtures';

/** Who is who: each person, on which platform, and the role the configuration gives them. */
const PEOPLE: Array<{ who: string; role: Role; make: (text: string) => ChatRequest }> = [
  { who: 'slack stranger', role: 'everyone', make: (t) => request('slack', 'U0NOBODY1', t) },
  { who: 'slack operator', role: 'operator', make: (t) => request('slack', IDS.slackOperator, t) },
  { who: 'slack admin', role: 'admin', make: (t) => request('slack', IDS.slackAdmin, t) },
  {
    who: 'slack admin by user group',
    role: 'admin',
    make: (t) => request('slack', 'U0GROUPIE', t, { userGroups: ['S0OTHER', IDS.slackGroupAdmins] }),
  },
  { who: 'teams stranger', role: 'everyone', make: (t) => request('teams', '0c1d2e3f-0000-4000-8000-000000000001', t) },
  { who: 'teams operator (id in another case)', role: 'operator', make: (t) => request('teams', IDS.teamsOperator, t) },
  { who: 'teams admin', role: 'admin', make: (t) => request('teams', IDS.teamsAdmin.toUpperCase(), t) },
  { who: 'teams user with a slack-pinned id', role: 'everyone', make: (t) => request('teams', IDS.slackOperator, t) },
  { who: 'terminal', role: 'admin', make: (t) => request('cli', 'local', t) },
];

/** Each command text and the least role it needs by default. */
const TEXTS: Array<{ text: string; stub?: 'cert' | 'relay' | 'ou' | 'explain' | 'digest'; need: Role }> = [
  { text: 'help', need: 'everyone' },
  { text: 'explain 0x80070005 access denied', stub: 'explain', need: 'everyone' },
  { text: 'cert mail.contoso.com', stub: 'cert', need: 'everyone' },
  { text: 'relay mail.contoso.com:25', stub: 'relay', need: 'operator' },
  { text: 'ou "CN=Doe\\, Jane,OU=Staff,DC=contoso,DC=local"', stub: 'ou', need: 'operator' },
  { text: 'digest list', stub: 'digest', need: 'everyone' },
  { text: 'digest add daily 08:00 cert mail.contoso.com', stub: 'digest', need: 'admin' },
  { text: 'digest remove d1a2b3c', stub: 'digest', need: 'admin' },
  { text: 'audit --since 1h', need: 'admin' },
];

describe('permission matrix (Slack, Teams, terminal × every command)', () => {
  const matrix = PEOPLE.flatMap((person) => TEXTS.map((t) => [person.who, t.text, person, t] as const));

  it.each(matrix)('%s: %s', async (_who, _text, person, t) => {
    const { router, stubs, audit } = await harness();
    const reply = await router.handle(person.make(t.text));
    const allowed = roleAllows(person.role, t.need);
    if (allowed) {
      expect(reply.findings.map((f) => f.id)).not.toContain('auth.forbidden');
      if (t.stub) expect(stubs[t.stub].runs).toBe(1);
    } else {
      expect(reply.status).toBe('error');
      expect(reply.findings[0]?.id).toBe('auth.forbidden');
      expect(reply.findings[0]?.message).toContain(t.need);
      if (t.stub) expect(stubs[t.stub].runs).toBe(0);
    }
    // Every outcome, refusals included, leaves one audit row.
    const rows = audit.rows();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.outcome).toBe(allowed ? undefined : 'auth.forbidden');
  });

  it.each(PEOPLE.map((p) => [p.who, p] as const))(
    'help shows %s only the commands they may run',
    async (_who, person) => {
      const { router } = await harness();
      const reply = await router.handle(person.make('help'));
      const listed = (reply.data.commands as Array<{ name: string }>).map((c) => c.name).sort();
      const expected = ['cert', 'relay', 'ou', 'explain', 'digest', 'audit', 'help']
        .filter((name) => roleAllows(person.role, DEFAULT_MIN_ROLES[name] ?? 'everyone'))
        .sort();
      expect(listed).toEqual(expected);
      // Asking for help on a hidden command does not reveal it either.
      const hidden = await router.handle(person.make('help audit'));
      expect(hidden.status === 'error').toBe(!roleAllows(person.role, 'admin'));
    },
  );
});

describe('roles from configuration', () => {
  it('lets roles.commands move a command up or down', async () => {
    const { router, stubs } = await harness({ roles: { ...ROLES, commands: { cert: 'operator', relay: 'everyone' } } });
    const stranger = (t: string): ChatRequest => request('slack', 'U0NOBODY1', t);
    expect((await router.handle(stranger('cert mail.contoso.com'))).findings[0]?.id).toBe('auth.forbidden');
    expect((await router.handle(stranger('relay mail.contoso.com'))).status).toBe('ok');
    expect(stubs.relay.runs).toBe(1);
    const help = await router.handle(stranger('help'));
    const names = (help.data.commands as Array<{ name: string }>).map((c) => c.name);
    expect(names).toContain('relay');
    expect(names).not.toContain('cert');
  });

  it('keeps a sub-command stricter than a lowered command', async () => {
    const { router, stubs } = await harness({ roles: { ...ROLES, commands: { digest: 'operator' } } });
    const operator = (t: string): ChatRequest => request('slack', IDS.slackOperator, t);
    const stranger = (t: string): ChatRequest => request('slack', 'U0NOBODY1', t);
    expect((await router.handle(stranger('digest list'))).findings[0]?.id).toBe('auth.forbidden');
    expect((await router.handle(operator('digest list'))).status).toBe('ok');
    expect((await router.handle(operator('digest add daily cert x'))).findings[0]?.id).toBe('auth.forbidden');
    expect(stubs.digest.runs).toBe(1);
  });

  it('warns about overrides that name no command', async () => {
    const { log } = await harness({ roles: { ...ROLES, commands: { certs: 'admin' } } });
    expect(log.lines.some((l) => l.level === 'warn' && JSON.stringify(l.obj).includes('certs'))).toBe(true);
  });

  it('gives nobody a role from an empty or blank id', () => {
    const roleOf = createRoleOf({ admins: ['U0ADMIN01'], operators: [] });
    expect(roleOf(request('slack', '', 'help', { userGroups: ['', ' '] }))).toBe('everyone');
    expect(roleOf(request('digest', 'scheduler', 'cert x'))).toBe('admin');
  });

  it('keeps methods and this of a class-based command when wrapping', async () => {
    class Counting {
      name = 'cert';
      summary = 's';
      usage = 'u';
      examples = ['cert x'];
      args = stubCommands().cert.args;
      seen = 0;
      async run(): Promise<never> {
        this.seen += 1;
        throw new Error('not reached');
      }
    }
    const original = new Counting();
    const [wrapped] = applyCommandRoles([original], { cert: 'admin' });
    expect(wrapped?.minRole).toBe('admin');
    expect(original).not.toHaveProperty('minRole');
    await expect(wrapped?.run({ positional: [] }, {} as never)).rejects.toThrow('not reached');
    expect(original.seen).toBe(1);
    expect((wrapped as unknown as Counting).seen).toBe(1);
  });
});
