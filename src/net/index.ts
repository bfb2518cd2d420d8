export * from './address';
export * from './connect';
export * from './deadline';
export * from './line-socket';
export * from './policy';
export * from './resolver';
export * from './target';
