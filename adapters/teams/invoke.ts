import type { ChatRequest } from '../../src/core/chat-request';
import type { Reply } from '../../src/core/reply';
import { cardAttachment, submittedCommand } from './card';
import { normaliseExplainAction, normaliseSubmit, type TeamsActivity } from './normalise';
import { renderCard } from './render';

/**
 * Invokes are answered in the HTTP response itself (Teams waits for it): the message-extension action
 * "Explain this error" opens a dialog with the explanation card, and buttons on that card come back as
 * `composeExtension/submitAction` (or `task/submit`) and update the dialog.
 */

/** The message-extension command id, as manifest/teams/manifest.json declares it. */
export const EXPLAIN_ACTION_ID = 'explainError';

export interface InvokeResult {
  status: number;
  body?: unknown;
}

export interface InvokeDeps {
  /** Runs a request within the invoke deadline; undefined when it did not finish in time. */
  run(request: ChatRequest): Promise<Reply | undefined>;
  /** The command that explains errors (`explain`). */
  explainCommand: string;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

export async function handleInvoke(activity: TeamsActivity, deps: InvokeDeps): Promise<InvokeResult> {
  const value = isObject(activity.value) ? activity.value : {};
  switch (activity.name) {
    case 'composeExtension/fetchTask':
      if (value.commandId !== EXPLAIN_ACTION_ID) return unknownCommand(value.commandId);
      return dialog(await deps.run(normaliseExplainAction(activity, deps.explainCommand)));
    case 'composeExtension/submitAction':
    case 'task/submit': {
      const command = submittedCommand(value.data);
      if (command !== undefined) return dialog(await deps.run(normaliseSubmit(activity, command)));
      // A submit without our data: the action was configured without a dialog (fetchTask: false).
      if (value.commandId === EXPLAIN_ACTION_ID)
        return dialog(await deps.run(normaliseExplainAction(activity, deps.explainCommand)));
      return { status: 200, body: { task: { type: 'message', value: 'Nothing to run: the dialog sent no command.' } } };
    }
    default:
      // What botbuilder's ActivityHandler answers for an invoke it has no handler for.
      return { status: 501 };
  }
}

function dialog(reply: Reply | undefined): InvokeResult {
  if (!reply) {
    return {
      status: 200,
      body: {
        task: {
          type: 'message',
          value: 'The check is taking too long for a dialog. Send the same command to diagbot in a chat instead.',
        },
      },
    };
  }
  return {
    status: 200,
    body: {
      task: {
        type: 'continue',
        value: { title: 'diagbot', width: 'large', height: 'large', card: cardAttachment(renderCard(reply)) },
      },
    },
  };
}

function unknownCommand(commandId: unknown): InvokeResult {
  const shown = typeof commandId === 'string' ? commandId.slice(0, 60) : 'none';
  return { status: 200, body: { task: { type: 'message', value: `diagbot has no message action "${shown}".` } } };
}
