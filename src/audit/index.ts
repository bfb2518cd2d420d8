export * from './memory-store';
export * from './recorder';
export * from './since';
export * from './types';
