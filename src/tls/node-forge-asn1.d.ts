// node-forge's ASN.1 module on its own (src/tls/der-fields.ts loads only it): @types/node-forge types the
// package's index, which loads all of forge. The module's export is the index's `forge.asn1`.
declare module 'node-forge/lib/asn1' {
  import type { asn1 } from 'node-forge';
  const asn1Module: typeof asn1;
  export = asn1Module;
}
