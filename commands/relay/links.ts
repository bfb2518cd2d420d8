import type { Link } from '../../src/core/reply';

/** The documentation the relay findings point to, named once so live and policy findings cite the same pages. */
export const LINKS = {
  anonymousRelay: {
    title: 'Allow anonymous relay on Exchange servers',
    url: 'https://learn.microsoft.com/en-us/exchange/mail-flow/connectors/allow-anonymous-relay',
  },
  setConnector: {
    title: 'Set-ReceiveConnector',
    url: 'https://learn.microsoft.com/en-us/powershell/module/exchange/set-receiveconnector',
  },
  snat: { title: 'F5 K7820: Overview of SNAT features', url: 'https://my.f5.com/manage/s/article/K7820' },
  dataGroup: {
    title: 'tmsh ltm data-group internal',
    url: 'https://clouddocs.f5.com/cli/tmsh-reference/latest/modules/ltm/ltm_data-group_internal.html',
  },
  snatPool: {
    title: 'tmsh ltm snatpool',
    url: 'https://clouddocs.f5.com/cli/tmsh-reference/latest/modules/ltm/ltm_snatpool.html',
  },
  postfixRelay: { title: 'Postfix relay and access control', url: 'https://www.postfix.org/SMTPD_ACCESS_README.html' },
  xclient: { title: 'Postfix XCLIENT', url: 'https://www.postfix.org/XCLIENT_README.html' },
  auth: { title: 'RFC 4954: SMTP AUTH', url: 'https://www.rfc-editor.org/rfc/rfc4954' },
  smtpReplies: { title: 'RFC 3463: enhanced status codes', url: 'https://www.rfc-editor.org/rfc/rfc3463' },
} satisfies Record<string, Link>;
