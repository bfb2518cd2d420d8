/** The TLS certificate engine: probe a server (HTTPS or STARTTLS) and judge the chain it sends. Facts only. */
export * from './check';
export * from './mode';
export * from './names';
export * from './types';
export { describeHandshakeFailure } from './probe';
