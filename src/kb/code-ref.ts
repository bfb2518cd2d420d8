/**
 * A code key, `kind:value` as the decoders emit it: `win32:1722`, `hresult:0x800706ba`, `smtp:5.7.1`,
 * `smtp:5.7.606-649`, `ldap-data:52e`, `tls:verify:20`, `jet:-1018`, `aadsts:50076`, `kdc:0x18`, `sspi:0x80090325`,
 * `winhttp:12175`, `schannel:event:36887`. Apart from the schema (schema.ts), so the matcher uses it without building
 * the knowledge base's zod schemas: a start from the compiled knowledge base never validates an entry.
 */
export const CODE_REF =
  /^(hresult|win32|ntstatus|ldap|ldap-data|smtp|http|tls|jet|aadsts|kdc|sspi|winhttp|schannel):[a-z0-9.:-]{1,40}$/;
