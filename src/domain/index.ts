export * from './commands';
export * from './decide';
export * from './domain-error';
export * from './events';
export * from './evolve';
export * from './money';
export * from './seat-layout';
export * from './session-state';
