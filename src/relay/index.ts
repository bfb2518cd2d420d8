export * from './audit';
export * from './changes';
export * from './evaluate';
export * from './ip-range';
export * from './range-index';
export * from './topology-schema';
