import { describe, expect, it } from 'vitest';
import { matchRoute, pathSegments } from '../../../main/sandbox/routes';
import { isLoopbackHost, requestUrl } from '../../../main/sandbox/server';

function route(method: string, path: string) {
  return matchRoute(method, pathSegments(path)!);
}

describe('matchRoute', () => {
  it.each([
    ['GET', '/messageexchange/MB', 'handshake', { mailbox: 'MB' }],
    ['POST', '/messageexchange/MB', 'handshake', { mailbox: 'MB' }],
    ['GET', '/messageexchange/MB/inbox', 'inboxList', { mailbox: 'MB' }],
    ['GET', '/messageexchange/MB/count', 'inboxCount', { mailbox: 'MB' }],
    ['GET', '/messageexchange/MB/inbox/ID', 'download', { mailbox: 'MB', message: 'ID' }],
    ['HEAD', '/messageexchange/MB/inbox/ID', 'head', { mailbox: 'MB', message: 'ID' }],
    ['GET', '/messageexchange/MB/inbox/ID/2', 'downloadChunk', { mailbox: 'MB', message: 'ID', chunk: '2' }],
    ['PUT', '/messageexchange/MB/inbox/ID/status/acknowledged', 'acknowledge', { mailbox: 'MB', message: 'ID' }],
    ['POST', '/messageexchange/MB/outbox', 'send', { mailbox: 'MB' }],
    ['POST', '/messageexchange/MB/outbox/ID/3', 'sendChunk', { mailbox: 'MB', message: 'ID', chunk: '3' }],
    ['POST', '/messageexchange/MB/outbox/tracking/3', 'sendChunk', { mailbox: 'MB', message: 'tracking', chunk: '3' }],
    ['GET', '/messageexchange/MB/outbox/tracking', 'tracking', { mailbox: 'MB' }],
    ['GET', '/messageexchange/MB/outbox/tracking/LOCAL', 'trackingByLocalId', { mailbox: 'MB', localId: 'LOCAL' }],
    ['GET', '/messageexchange/endpointlookup/X26/WF', 'endpointLookup', { ods: 'X26', workflow: 'WF' }],
    ['GET', '/messageexchange/workflowsearch/WF', 'workflowSearch', { workflow: 'WF' }],
    ['GET', '/messageexchange/_ping', 'health', {}],
    ['DELETE', '/messageexchange/admin/reset', 'resetAll', {}],
    ['GET', '/messageexchange/mailbox/MB', 'mailboxDetails', { mailbox: 'MB' }],
    ['POST', '/admin/faults', 'faults', {}],
  ])('%s %s → %s', (method, path, name, params) => {
    expect(route(method, path)).toMatchObject({ kind: 'found', name, params });
  });

  it('marks admin routes', () => {
    expect(route('POST', '/admin/clock')).toMatchObject({ admin: true });
    expect(route('GET', '/messageexchange/MB/inbox')).toMatchObject({ admin: false });
  });

  it('tells a wrong method from an unknown path', () => {
    expect(route('DELETE', '/messageexchange/MB/inbox')).toEqual({ kind: 'method-not-allowed', allowed: ['GET'] });
    expect(route('GET', '/elsewhere')).toEqual({ kind: 'not-found' });
  });
});

describe('pathSegments', () => {
  it('decodes escapes and drops empty segments', () => {
    expect(pathSegments('/messageexchange//A%20B/inbox/')).toEqual(['messageexchange', 'A B', 'inbox']);
  });
  it('returns undefined for a malformed escape', () => {
    expect(pathSegments('/messageexchange/%E0%A4%A')).toBeUndefined();
  });
});

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1'])('accepts %s', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });
  it.each(['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', 'example.org', 'localhost.example.org'])('refuses %s', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('requestUrl', () => {
  it('keeps a path starting with two slashes as a path', () => {
    expect(requestUrl('//messageexchange/MB/inbox?x=1')!.pathname).toBe('//messageexchange/MB/inbox');
  });
  it('reads absolute-form targets', () => {
    expect(requestUrl('http://127.0.0.1:1/messageexchange/_ping')!.pathname).toBe('/messageexchange/_ping');
  });
  it('returns undefined for an unparseable target', () => {
    expect(requestUrl('http://[bad')).toBeUndefined();
  });
});
