import { describe, expect, it } from 'vitest';
import { allowedHosts, describeHeader, hostOrOriginRefusal } from '../../../main/sandbox/request-guard';
import { newSecretToken as newAdminToken, secretMatches as adminTokenMatches } from '../../../main/shared/loopback-guard';

describe('allowedHosts', () => {
  it('names 127.0.0.1, localhost and [::1] with the port', () => {
    expect(allowedHosts('127.0.0.1', 8700, 'https')).toEqual(['127.0.0.1:8700', 'localhost:8700', '[::1]:8700']);
  });

  it('adds the address it listens on, bracketed when IPv6', () => {
    expect(allowedHosts('127.0.0.5', 1, 'http')).toContain('127.0.0.5:1');
    expect(allowedHosts('::ffff:127.0.0.1', 1, 'http')).toContain('[::ffff:127.0.0.1]:1');
    expect(allowedHosts('::1', 1, 'http')).toHaveLength(3);
  });

  it('also takes the bare name on the scheme’s default port', () => {
    expect(allowedHosts('127.0.0.1', 443, 'https')).toContain('localhost');
    expect(allowedHosts('127.0.0.1', 80, 'http')).toContain('127.0.0.1');
    expect(allowedHosts('127.0.0.1', 443, 'http')).not.toContain('127.0.0.1');
  });
});

describe('hostOrOriginRefusal', () => {
  const allowed = allowedHosts('127.0.0.1', 8700, 'https');

  it.each(['127.0.0.1:8700', 'localhost:8700', 'LOCALHOST:8700', '[::1]:8700'])('accepts Host %s without an Origin', (host) => {
    expect(hostOrOriginRefusal(host, undefined, allowed)).toBeUndefined();
  });

  it.each([undefined, '', '[', 'evil.example:8700', 'localhost', '127.0.0.1:8701', '127.0.0.1:8700.evil.example', ' 127.0.0.1:8700'])(
    'refuses Host %j with 421',
    (host) => {
      expect(hostOrOriginRefusal(host, undefined, allowed)?.status).toBe(421);
    },
  );

  it.each(['http://127.0.0.1:8700', 'https://localhost:8700', 'HTTPS://[::1]:8700'])('accepts Origin %s', (origin) => {
    expect(hostOrOriginRefusal('127.0.0.1:8700', origin, allowed)).toBeUndefined();
  });

  it.each(['http://evil.example', 'null', '', 'http://127.0.0.1:8701', 'file://', 'http://127.0.0.1:8700/', 'ws://localhost:8700'])(
    'refuses Origin %j with 403',
    (origin) => {
      expect(hostOrOriginRefusal('127.0.0.1:8700', origin, allowed)?.status).toBe(403);
    },
  );

  it('checks Host before Origin', () => {
    expect(hostOrOriginRefusal('evil.example:8700', 'http://evil.example', allowed)?.status).toBe(421);
  });
});

describe('adminTokenMatches', () => {
  const token = newAdminToken();

  it('accepts exactly the token', () => {
    expect(adminTokenMatches(token, token)).toBe(true);
  });

  it.each([undefined, '', 'x', `${token} `, token.slice(1), token.toUpperCase()])('refuses %j', (given) => {
    expect(adminTokenMatches(given, token)).toBe(false);
  });

  it('refuses a repeated header (an array)', () => {
    expect(adminTokenMatches([token, token], token)).toBe(false);
  });
});

describe('newAdminToken', () => {
  it('is long, URL-safe and new each time', () => {
    const token = newAdminToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newAdminToken()).not.toBe(token);
  });
});

describe('describeHeader', () => {
  it('quotes a value on one line and shortens a long one', () => {
    expect(describeHeader(undefined)).toBe('(none)');
    expect(describeHeader('a\r\nb')).toBe('"a\\r\\nb"');
    expect(describeHeader('x'.repeat(10_000))).toContain('(10000 characters)');
  });
});
