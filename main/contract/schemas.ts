/**
 * Runtime schemas for the arguments of every request, and the result and event
 * types. Main validates every argument against these before a service sees it;
 * the window's types are derived from the same source, so the two cannot drift.
 */
import { z } from 'zod';
import type { EventName, RequestName } from './channels';
import type { AppInfo, MailboxSummary, Notice, Reply, Unsubscribe } from './types';

const profileId = z.string().min(1).max(100);

/** Arguments of each request, as a tuple (the window calls `mesh.name(...args)`). */
export const requestSchemas = {
  getAppInfo: z.tuple([]),
  listMailboxes: z.tuple([]),
  describeMailbox: z.tuple([profileId]),
} satisfies Record<RequestName, z.ZodTuple>;

/** What each request resolves to. */
export interface RequestResults {
  getAppInfo: AppInfo;
  listMailboxes: MailboxSummary[];
  describeMailbox: MailboxSummary;
}

/** What each event carries. */
export interface EventPayloads {
  'mailboxes-changed': MailboxSummary[];
  notice: Notice;
}

// Compile-time proof that names, schemas, results and events line up exactly.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const schemasCoverEveryName: Exact<keyof typeof requestSchemas, RequestName> = true;
const resultsCoverEveryName: Exact<keyof RequestResults, RequestName> = true;
const eventsCoverEveryName: Exact<keyof EventPayloads, EventName> = true;
void schemasCoverEveryName;
void resultsCoverEveryName;
void eventsCoverEveryName;

export type RequestArgs<K extends RequestName> = z.input<(typeof requestSchemas)[K]>;
export type ValidatedArgs<K extends RequestName> = z.output<(typeof requestSchemas)[K]>;

/** The whole API the window sees as `window.mesh`, whichever transport carries it. */
export type MeshApi = {
  readonly [K in RequestName]: (...args: RequestArgs<K>) => Promise<Reply<RequestResults[K]>>;
} & {
  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): Unsubscribe;
};

/** What main implements for each request, after validation. */
export type RequestHandlers = {
  [K in RequestName]: (...args: ValidatedArgs<K>) => Promise<RequestResults[K]> | RequestResults[K];
};
