/**
 * Does a chat message that is not a command look like a pasted error? The router sends such messages
 * to `explain` (DMs and mentions only). Cheap on purpose: no knowledge base is loaded to answer, and
 * only the first 8 KB are looked at.
 */

const ERROR_WORDS =
  /\b(?:error|errors|exception|failed|failure|fails|denied|refused|rejected|unable|cannot|can't|could not|couldn't|not found|invalid|unavailable|timed out|timeout|expired|unauthori[sz]ed|forbidden|fatal|undeliverable|ndr|bounced?|untrusted|not trusted|mismatch|locked out|disabled)\b/i;
const CODE_SHAPES =
  /\b(?:0x[0-9a-f]{8}|[0-9a-f]{8}h|-21474\d{5}|[45]\.\d{1,2}\.\d{1,3}|[45]\d\d [45]\.\d|hresult|aadsts\d{5,}|ldaperr|data (?:52[5ef]|53[0-3]|568|701|773|775)\b|krb_ap_err|kdc_err|x509_v_err|err_tls|econnrefused|etimedout|enotfound|jet_err|storeec|sec_e_|error_winhttp|error_internet)/i;

/** Every regex here, for the static backtracking check in the tests. */
export const LOOKS_LIKE_ERROR_PATTERNS: readonly RegExp[] = [ERROR_WORDS, CODE_SHAPES];

export function looksLikeError(text: string): boolean {
  const head = text.length > 8192 ? text.slice(0, 8192) : text;
  const length = head.trim().length;
  if (length < 3) return false;
  // A bare code (`5.7.1`, `0x800706BA`) is a question about an error; a word needs a sentence around it.
  if (CODE_SHAPES.test(head)) return true;
  return length >= 8 && ERROR_WORDS.test(head);
}
