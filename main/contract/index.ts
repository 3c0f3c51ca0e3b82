export * from './channels';
export * from './types';
export type { EventPayloads, MeshApi, RequestArgs, RequestHandlers, RequestResults, ValidatedArgs } from './schemas';
