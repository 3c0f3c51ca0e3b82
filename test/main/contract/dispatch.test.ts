import { describe, expect, it } from 'vitest';
import { createDispatcher } from '../../../main/contract/dispatch';
import type { RequestHandlers } from '../../../main/contract/schemas';
import { AppError } from '../../../main/shared/errors';

function setup(overrides: Partial<RequestHandlers> = {}) {
  const warnings: string[] = [];
  const errors: string[] = [];
  const seen: unknown[][] = [];
  // Only the handlers these tests call; the dispatcher never touches the others.
  const handlers = {
    getAppInfo: () => ({
      productName: 'MESH Desktop',
      version: '1.0.0',
      shell: 'preview',
      platform: 'linux',
      dataFolder: '/d',
      nodeVersion: '20',
      capabilities: { chooseFolder: false, showInFolder: false, openFile: false, notifications: true },
    }),
    listMailboxes: () => [],
    describeMailbox: (id) => {
      seen.push([id]);
      return {
        id,
        mailboxId: 'X26ABC1',
        displayName: 'GP',
        environment: 'INT',
        managed: false,
        training: false,
        unread: 0,
        status: { connection: 'unknown' },
      };
    },
    ...overrides,
  } as RequestHandlers;
  const dispatch = createDispatcher(handlers, {
    warn: (m) => warnings.push(m),
    error: (m) => errors.push(m),
  });
  return { dispatch, warnings, errors, seen };
}

describe('the request dispatcher', () => {
  it('passes validated arguments to the handler and wraps the result', async () => {
    const { dispatch, seen } = setup();
    const reply = await dispatch('describeMailbox', ['abc']);
    expect(reply).toEqual({ ok: true, value: expect.objectContaining({ id: 'abc' }) });
    expect(seen).toEqual([['abc']]);
  });

  it('refuses an unknown channel without calling anything', async () => {
    const { dispatch, warnings } = setup();
    const reply = await dispatch('deleteEverything', []);
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    expect(warnings).toHaveLength(1);
  });

  it('refuses inherited object keys posing as channels', async () => {
    const { dispatch } = setup();
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(await dispatch(name, [])).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    }
  });

  it.each([
    ['a number where text is expected', [42]],
    ['a missing argument', []],
    ['an extra argument', ['abc', 'extra']],
    ['an empty id', ['']],
    ['not an argument list', 'abc'],
    ['null', null],
  ])('rejects %s with a clear message and never calls the handler', async (_label, args) => {
    const { dispatch, seen } = setup();
    const reply = await dispatch('describeMailbox', args);
    expect(reply.ok).toBe(false);
    if (!reply.ok) {
      expect(reply.error.code).toBe('invalid-argument');
      expect(reply.error.message).toMatch(/describeMailbox/);
      expect(reply.error.message).not.toMatch(/at .*\.ts/);
    }
    expect(seen).toEqual([]);
  });

  it('turns an AppError from a service into a reply with its person-facing message', async () => {
    const { dispatch } = setup({
      listMailboxes: (): never => {
        throw new AppError({ code: 'keychain-unavailable', message: 'The keychain is locked.', detail: 'dbus: secret' });
      },
    });
    const reply = await dispatch('listMailboxes', []);
    expect(reply).toEqual({ ok: false, error: { code: 'keychain-unavailable', message: 'The keychain is locked.' } });
  });

  it('hides the details of an unexpected failure from the window but logs it', async () => {
    const { dispatch, errors } = setup({
      getAppInfo: (): never => {
        throw new TypeError('cannot read x of undefined at /home/me/secret.ts:10');
      },
    });
    const reply = await dispatch('getAppInfo', []);
    expect(reply).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(reply)).not.toContain('secret.ts');
    expect(errors).toHaveLength(1);
  });
});
