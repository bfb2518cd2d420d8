export * from './guard';
export * from './limits';
export * from './ports';
export * from './replies';
export * from './roles';
export * from './scrub';
