import type { RequestHandlers } from '../contract/schemas';
import { createDispatcher } from '../contract/dispatch';
import type { Logger } from '../log/logger';
import { APP_VERSION, PRODUCT_NAME } from '../shared/version';
import { AppError } from '../shared/errors';
import { EventBus } from './events';

export interface AppServicesOptions {
  shell: 'electron' | 'preview';
  dataFolder: string;
  log: Logger;
  electronVersion?: string;
}

/** Everything the window can reach, the same in Electron and in the preview. */
export interface AppServices {
  handlers: RequestHandlers;
  events: EventBus;
  dispatch: ReturnType<typeof createDispatcher>;
  /** Lets running work checkpoint, then releases files and sockets. */
  shutdown(): Promise<void>;
}

/** Builds the main-process services behind the typed contract. */
export async function createAppServices(options: AppServicesOptions): Promise<AppServices> {
  const events = new EventBus();
  const log = options.log.child('services');

  const handlers: RequestHandlers = {
    getAppInfo: () => ({
      productName: PRODUCT_NAME,
      version: APP_VERSION,
      shell: options.shell,
      platform: process.platform,
      dataFolder: options.dataFolder,
      nodeVersion: process.versions.node,
      ...(options.electronVersion ? { electronVersion: options.electronVersion } : {}),
    }),
    listMailboxes: () => [],
    describeMailbox: (id) => {
      throw new AppError({ code: 'not-configured', message: `There is no mailbox with the id "${id}" on this computer.` });
    },
  };

  return {
    handlers,
    events,
    dispatch: createDispatcher(handlers, log),
    shutdown: async () => {},
  };
}
