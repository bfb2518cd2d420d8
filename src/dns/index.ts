/** The DNS engine: a resolver client for configured servers, with DNSSEC verdicts, TLSA, TXT, MX and addresses. */
export * from './client';
export * from './servers';
export * from './types';
