/** The mail engine: a domain's mail transport and authentication posture. Facts only. */
export * from './check';
export * from './dane';
export * from './dkim';
export * from './dmarc';
export * from './fetch-policy';
export * from './issues';
export * from './mta-sts';
export * from './mx';
export * from './spf';
export * from './tls-rpt';
export * from './types';
