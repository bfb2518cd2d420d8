import { parse as parseQuery } from 'node:querystring';
import { z } from 'zod';

/**
 * The shapes of what Slack sends to `POST /slack/events`, checked before Bolt sees a byte of it. Bolt trusts
 * the body it parses (a signed JSON `null` ended in an unhandled rejection inside its receiver), so a body
 * that is not one of the payloads diagbot answers, with the fields its listeners read, is a 400 here.
 */

const id = z.string().min(1).max(255);
const optionalId = z.string().max(255).optional();
const text = z.string().max(64 * 1024);
const url = z.string().max(2048);
const team = z.looseObject({ id: optionalId }).nullable().optional();

const slashCommand = z.looseObject({
  command: z.string().min(1).max(100),
  text: text.optional(),
  user_id: id,
  channel_id: id,
  team_id: optionalId,
  response_url: url,
});

/** Fields a few events carry; their types are what the listeners and Bolt's middleware assume. */
const eventCommon = {
  type: z.string().min(1).max(100),
  user: optionalId,
  bot_id: optionalId,
  subtype: z.string().max(100).optional(),
  text: text.optional(),
  ts: optionalId,
  thread_ts: optionalId,
  channel_type: z.string().max(100).optional(),
  team: optionalId,
};
const anyEvent = z.looseObject({
  ...eventCommon,
  channel: z.union([z.string().max(255), z.looseObject({ id: optionalId })]).optional(),
});
/** Events diagbot listens to: what its listeners read must be there. */
const listenedEvents: Record<string, z.ZodType> = {
  app_mention: z.looseObject({ ...eventCommon, text, channel: id, ts: id }),
  message: z.looseObject({ ...eventCommon, channel: id, ts: id }),
  app_home_opened: z.looseObject({ ...eventCommon, user: id, channel: id, tab: z.string().max(100).optional() }),
};
/** Bolt reads the first authorization's team, enterprise and install kind without checking it is an object. */
const authorization = z.looseObject({
  team_id: id.nullable().optional(),
  enterprise_id: id.nullable().optional(),
  user_id: optionalId,
  is_bot: z.boolean().optional(),
  is_enterprise_install: z.boolean().optional(),
});
const eventCallback = z.looseObject({
  type: z.literal('event_callback'),
  event_id: optionalId,
  team_id: optionalId,
  enterprise_id: optionalId,
  is_enterprise_install: z.boolean().optional(),
  authorizations: z.array(authorization).max(100).optional(),
  event: anyEvent,
});
const urlVerification = z.looseObject({ type: z.literal('url_verification'), challenge: z.string().max(1024) });
/** Other JSON Slack sends on its own (`app_rate_limited`): acknowledged by Bolt, nothing runs. */
const otherJson = z.looseObject({ type: z.string().min(1).max(100) });

const user = z.looseObject({ id, team_id: optionalId });
const blockActions = z.looseObject({
  type: z.literal('block_actions'),
  user,
  team,
  actions: z
    .array(
      z.looseObject({
        action_id: z.string().max(255),
        type: z.string().max(100).optional(),
        value: z.string().max(2000).optional(),
      }),
    )
    .min(1)
    .max(25),
  response_url: url.optional(),
  channel: z.looseObject({ id }).optional(),
  message: z.looseObject({ ts: optionalId, thread_ts: optionalId }).optional(),
  container: z.looseObject({ type: z.string().max(100).optional(), is_ephemeral: z.boolean().optional() }).optional(),
});
const messageAction = z.looseObject({
  type: z.literal('message_action'),
  callback_id: z.string().max(255),
  user,
  team,
  channel: z.looseObject({ id }),
  message: z.looseObject({
    ts: optionalId,
    thread_ts: optionalId,
    text: text.optional(),
    attachments: z.array(z.unknown()).max(100).optional(),
  }),
  response_url: url,
});

export type SlackBodyVerdict = { ok: true } | { ok: false; problem: string };

/**
 * Parses the body the way Bolt's HTTPReceiver will (`application/x-www-form-urlencoded` exactly → a form,
 * with `payload` holding JSON; anything else → JSON) and checks its shape.
 */
export function checkSlackBody(raw: Buffer, contentType: string | undefined): SlackBodyVerdict {
  let body: unknown;
  let form = false;
  try {
    if (contentType === 'application/x-www-form-urlencoded') {
      const query = parseQuery(raw.toString());
      if (typeof query.payload === 'string') {
        body = JSON.parse(query.payload) as unknown;
      } else {
        form = true;
        body = query;
      }
    } else {
      body = JSON.parse(raw.toString()) as unknown;
    }
  } catch {
    return { ok: false, problem: 'the body is not valid JSON' };
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return { ok: false, problem: 'the body is not an object' };
  return verdict(schemaFor(body as Record<string, unknown>, form), body);
}

/**
 * Keys by which Bolt takes a body for an action or an options request (helpers.getTypeAndConversation), whatever its
 * `type`; the interactive types themselves are sorted by the switch below.
 */
const INTERACTIVE_KEYS = ['actions', 'name'] as const;

function schemaFor(body: Record<string, unknown>, form: boolean): z.ZodType | string {
  if (form) return typeof body.command === 'string' ? slashCommand : 'a form body without a command or payload';
  // Bolt routes by these keys before it looks at `type`, and reads `user.id`, `channel.id` and the event's fields without
  // checking them (a signed `{"type":" ","actions":[…],"user":null}` threw inside Bolt: a 500). Such a body must be the
  // payload diagbot handles, checked by its schema below.
  if (body.event !== undefined && body.type !== 'event_callback') return 'an event arrives as an event_callback';
  if (body.command !== undefined) return 'a slash command arrives as a form';
  const interactive = INTERACTIVE_KEYS.some((key) => body[key] !== undefined);
  if (interactive && body.type !== 'block_actions' && body.type !== 'message_action')
    return `payloads of type ${String(body.type)} are not used by diagbot`;
  switch (body.type) {
    case 'event_callback': {
      const event = body.event as { type?: unknown } | undefined;
      const listened = typeof event?.type === 'string' ? listenedEvents[event.type] : undefined;
      return listened ? eventCallback.extend({ event: listened }) : eventCallback;
    }
    case 'url_verification':
      return urlVerification;
    case 'block_actions':
      return blockActions;
    case 'message_action':
      return messageAction;
    case 'shortcut':
    case 'view_submission':
    case 'view_closed':
    case 'block_suggestion':
    case 'interactive_message':
    case 'dialog_submission':
      return `payloads of type ${body.type} are not used by diagbot`;
    default:
      return otherJson;
  }
}

function verdict(schema: z.ZodType | string, body: unknown): SlackBodyVerdict {
  if (typeof schema === 'string') return { ok: false, problem: schema };
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true };
  const issue = parsed.error.issues[0];
  return { ok: false, problem: `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}` };
}
