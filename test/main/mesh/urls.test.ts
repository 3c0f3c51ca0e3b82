import { describe, expect, it } from 'vitest';
import { meshUrl, resolveLink } from '../../../main/mesh/urls';

describe('meshUrl', () => {
  it('joins and percent-encodes path parts', () => {
    expect(meshUrl('https://mesh.example', ['messageexchange', 'X26ABC1', 'inbox', 'a/b?c#d']).href).toBe(
      'https://mesh.example/messageexchange/X26ABC1/inbox/a%2Fb%3Fc%23d',
    );
  });
  it('keeps a base path and adds encoded query values, skipping undefined', () => {
    const url = meshUrl('https://mesh.example/gw/', ['messageexchange', 'MB', 'inbox'], {
      max_results: 10,
      workflow_filter: '!*A&B*',
      continue_from: undefined,
    });
    expect(url.href).toBe('https://mesh.example/gw/messageexchange/MB/inbox?max_results=10&workflow_filter=%21*A%26B*');
  });
  it.each(['..', '.', ''])('refuses the path part %j, which would change the path', (part) => {
    expect(() => meshUrl('https://mesh.example', ['messageexchange', part, 'x'])).toThrow(
      expect.objectContaining({ code: 'invalid-argument' }),
    );
  });
  it('encodes dots inside a part harmlessly', () => {
    expect(meshUrl('https://mesh.example', ['messageexchange', '..a', '%2e%2e']).pathname).toBe('/messageexchange/..a/%252e%252e');
  });
});

describe('resolveLink', () => {
  it('resolves a root-relative link against the base origin', () => {
    expect(resolveLink('https://mesh.example', '/messageexchange/MB/inbox?continue_from=abc').href).toBe(
      'https://mesh.example/messageexchange/MB/inbox?continue_from=abc',
    );
  });
  it('keeps a gateway prefix the link lacks, and does not double it', () => {
    expect(resolveLink('https://mesh.example/gw', '/messageexchange/MB/inbox').pathname).toBe('/gw/messageexchange/MB/inbox');
    expect(resolveLink('https://mesh.example/gw', '/gw/messageexchange/MB/inbox').pathname).toBe('/gw/messageexchange/MB/inbox');
  });
  it('accepts absolute links to the same origin and plain relative ones', () => {
    expect(resolveLink('https://mesh.example', 'https://mesh.example/messageexchange/x').href).toBe(
      'https://mesh.example/messageexchange/x',
    );
    expect(resolveLink('https://mesh.example/gw', 'messageexchange/x').href).toBe('https://mesh.example/gw/messageexchange/x');
  });
  it('refuses links to another origin', () => {
    expect(() => resolveLink('https://mesh.example', 'https://evil.example/x')).toThrow(
      expect.objectContaining({ code: 'protocol-error' }),
    );
    expect(() => resolveLink('https://mesh.example', '//evil.example/x')).toThrow(expect.objectContaining({ code: 'protocol-error' }));
    expect(() => resolveLink('https://mesh.example', 'http://mesh.example/x')).toThrow(expect.objectContaining({ code: 'protocol-error' }));
  });
});
