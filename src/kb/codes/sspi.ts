/**
 * SSPI (Schannel, Kerberos, NTLM, Negotiate) results: `SEC_E_*` and `SEC_I_*` HRESULTs of facility 9.
 * The Windows decoder finds them in every spelling; this adds plain words and the `sspi:` key.
 */

export const SSPI_MEANINGS: Record<number, string> = {
  0x80090302: 'the function requested is not supported (often a TLS protocol or cipher not enabled on one side)',
  0x80090304:
    'the Local Security Authority cannot be contacted, or Schannel failed internally (often the private key of the certificate is not accessible or a protocol/cipher is disabled)',
  0x80090308:
    'the token supplied to the function is invalid (a broken handshake, or credentials refused by the server)',
  0x8009030c: 'the logon attempt failed (wrong credentials)',
  0x8009030d:
    'the credentials supplied are not recognised: for TLS, the certificate has no usable private key for this account',
  0x8009030e:
    'no credentials are available in the security package (no certificate with a private key, or no Kerberos ticket)',
  0x8009030f: 'the message or signature was altered (integrity failure)',
  0x80090311: 'no authority (domain controller / KDC) could be contacted for authentication',
  0x80090317: 'the security context has expired',
  0x80090318: 'the message is incomplete (a truncated TLS record)',
  0x80090322: 'the target principal name is incorrect: the SPN or certificate name does not match the server reached',
  0x80090324: 'the clocks on client and server machines are skewed',
  0x80090325:
    'the certificate chain was issued by an authority that is not trusted (missing root or intermediate in the store)',
  0x80090326:
    'the message received was unexpected or badly formatted (TLS handshake broken: protocol mismatch, a proxy, or a bad certificate on the other side)',
  0x80090327: 'an unknown error occurred while processing the certificate',
  0x80090328: 'the certificate has expired',
  0x80090330: 'the data could not be decrypted',
  0x80090331:
    'the client and server cannot communicate: they have no common algorithm (protocol versions or cipher suites)',
  0x80090349: 'the certificate is not valid for the requested usage (extended key usage)',
  0x80090350: 'the system detected a possible attempt to compromise security (downgrade): the handshake was refused',
  0x80090352: 'the issuing certification authority is not trusted (smart card / PKINIT)',
  0x80090353: 'the revocation status of the certificate could not be determined (the CRL is offline)',
  0x00090312: 'the handshake continues (informational, not an error)',
  0x00090320: 'the server asked for a client certificate and the client has none suitable (informational)',
  0x00090321: 'the peer asked to renegotiate (informational)',
};
