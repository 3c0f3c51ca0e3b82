/**
 * The names of everything the window may ask of main, and of everything main
 * pushes to the window. This file has no dependencies so that the preload
 * bundle can carry the list without pulling in zod; `schemas.ts` proves at
 * compile time that it has a schema for exactly these names.
 */
export const requestNames = ['getAppInfo', 'listMailboxes', 'describeMailbox'] as const;

export const eventNames = ['mailboxes-changed', 'notice'] as const;

export type RequestName = (typeof requestNames)[number];
export type EventName = (typeof eventNames)[number];

/** The Electron IPC channel that carries one request. */
export const requestChannel = (name: RequestName): string => `mesh:request:${name}`;
/** The Electron IPC channel that carries one kind of event. */
export const eventChannel = (name: EventName): string => `mesh:event:${name}`;

export function isRequestName(value: unknown): value is RequestName {
  return typeof value === 'string' && (requestNames as readonly string[]).includes(value);
}

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && (eventNames as readonly string[]).includes(value);
}
