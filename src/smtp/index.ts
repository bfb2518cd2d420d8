export * from './classify';
export * from './ehlo';
export * from './local-address';
export * from './probe';
export * from './reply';
export * from './session';
