// Compile-time proof that the contract cannot be misused. This file is only
// type-checked (npm run typecheck), never run: each @ts-expect-error below must
// be an error, or tsc fails with "Unused '@ts-expect-error' directive".
import type { MeshApi } from '../../main/contract';
import { createMeshApi } from '../../preload/create-api';

declare const mesh: MeshApi;

export async function contractMisuse(): Promise<void> {
  // The correct calls compile.
  const info = await mesh.getAppInfo();
  if (info.ok) info.value.version.toUpperCase();
  await mesh.describeMailbox('profile-1');
  const off = mesh.on('mailboxes-changed', (mailboxes) => mailboxes.map((m) => m.mailboxId));
  off();

  // @ts-expect-error a misspelled request does not exist
  await mesh.getAppinfo();
  // @ts-expect-error a wrong argument type
  await mesh.describeMailbox(42);
  // @ts-expect-error a missing argument
  await mesh.describeMailbox();
  // @ts-expect-error an unknown event
  mesh.on('mailbox-changed', () => {});
  // @ts-expect-error the event payload is typed: mailboxes-changed carries a list, not a string
  mesh.on('mailboxes-changed', (payload: string) => payload);
  // @ts-expect-error a result must be checked before its value is used
  info.value.version.toUpperCase();
  createMeshApi({
    // @ts-expect-error a transport must answer with a Reply
    invoke: async () => 'not a reply',
    subscribe: () => () => {},
    registerFile: async () => ({ ok: true, value: { fileRef: 'f', name: 'n', size: 1 } }),
  });
  // @ts-expect-error a bridge-only request is not on window.mesh
  await mesh.registerFilePath('/etc/shadow');
}
