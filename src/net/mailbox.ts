import { isHostname } from './address';

/**
 * A plain mailbox as a probe uses it in `MAIL FROM:<…>` / `RCPT TO:<…>`: a dot-atom local part and a
 * host name. Quoted local parts and address literals are refused: they are legal but never needed for a
 * probe, and refusing them keeps anything that could break the command line (spaces, `>`, CR/LF) out.
 */
export function isMailbox(text: string): boolean {
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1 || text.length > 254) return false;
  const local = text.slice(0, at);
  const domain = text.slice(at + 1);
  return (
    /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}$/.test(local) &&
    !local.startsWith('.') &&
    !local.endsWith('.') &&
    !local.includes('..') &&
    domain.includes('.') &&
    isHostname(domain)
  );
}

/** The domain of a mailbox, lower case. */
export function domainOf(mailbox: string): string {
  return mailbox
    .slice(mailbox.lastIndexOf('@') + 1)
    .toLowerCase()
    .replace(/\.$/, '');
}
