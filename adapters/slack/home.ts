import type { types as Slack } from '@slack/bolt';
import type { Reply } from '../../src/core/reply';
import { escapeMrkdwn } from './mrkdwn';
import { LIMITS, renderReply } from './render';

/** The App Home tab: how to reach diagbot, then `help` as this person may run it (commands, examples, buttons). */
export function homeView(help: Reply, slashCommand: string): Slack.HomeView {
  const slash = escapeMrkdwn(slashCommand);
  const intro: Slack.KnownBlock[] = [
    {
      type: 'header',
      block_id: 'home.title',
      text: { type: 'plain_text', text: 'diagbot — mail, certificate and directory checks' },
    },
    {
      type: 'section',
      block_id: 'home.how',
      text: {
        type: 'mrkdwn',
        verbatim: true,
        text: [
          `• \`${slash} &lt;command&gt;\` anywhere: the answer is visible only to you; add \`--public\` to post it in the channel.`,
          '• Mention the app in a channel: it answers in the thread.',
          '• Send it a direct message: a command, or paste an error message to have it explained.',
          "• On any message, *More actions → Explain this error*: the answer goes to that message's thread.",
          `• Examples: \`${slash} cert mail.contoso.com\`, \`${slash} help cert\`.`,
        ].join('\n'),
      },
    },
    { type: 'divider', block_id: 'home.divider' },
  ];
  const { main } = renderReply(help, { maxBlocks: LIMITS.blocksPerHomeView - intro.length, continuation: 'below' });
  return { type: 'home', blocks: [...intro, ...main.blocks] };
}
