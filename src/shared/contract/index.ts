export * from './errors.ts';
export * from './ids.ts';
export * from './domain.ts';
export * from './procedures.ts';
export * from './events.ts';
export * from './rpc.ts';
export * from './bridge.ts';
export * from './resources.ts';
