import { describe, expect, it } from 'vitest';
import { proxyFromEnvironment, proxyUrlWithCredentials, shouldBypassProxy } from '../../../main/mesh/proxy';

describe('shouldBypassProxy', () => {
  it('bypasses nothing without NO_PROXY', () => {
    expect(shouldBypassProxy('mesh.nhs.uk', undefined)).toBe(false);
    expect(shouldBypassProxy('mesh.nhs.uk', '')).toBe(false);
    expect(shouldBypassProxy('mesh.nhs.uk', ' , ')).toBe(false);
  });
  it('bypasses everything for *', () => {
    expect(shouldBypassProxy('anything.example', '*')).toBe(true);
    expect(shouldBypassProxy('10.0.0.1', 'foo, *')).toBe(true);
  });
  it.each([
    ['msg.intspineservices.nhs.uk', 'nhs.uk'],
    ['msg.intspineservices.nhs.uk', '.nhs.uk'],
    ['msg.intspineservices.nhs.uk', '*.nhs.uk'],
    ['nhs.uk', '.nhs.uk'],
    ['nhs.uk', 'nhs.uk'],
    ['MSG.INTSPINESERVICES.NHS.UK', 'intspineservices.nhs.uk'],
    ['mesh.nhs.uk.', 'mesh.nhs.uk'],
    ['mesh.nhs.uk', 'other.example mesh.nhs.uk'],
    ['mesh.nhs.uk', 'other.example,mesh.nhs.uk'],
  ])('%s matches %s', (host, noProxy) => expect(shouldBypassProxy(host, noProxy)).toBe(true));
  it.each([
    ['evilnhs.uk', 'nhs.uk'],
    ['nhs.uk.evil.example', 'nhs.uk'],
    ['mesh.nhs.uk', 'mesh.nhs.uk.example'],
    ['example.com', 'xample.com'],
  ])('%s does not match %s', (host, noProxy) => expect(shouldBypassProxy(host, noProxy)).toBe(false));
  it('respects ports on entries', () => {
    expect(shouldBypassProxy('mesh.nhs.uk', 'mesh.nhs.uk:443', 443)).toBe(true);
    expect(shouldBypassProxy('mesh.nhs.uk', 'mesh.nhs.uk:8443', 443)).toBe(false);
    expect(shouldBypassProxy('::1', '[::1]:443', 443)).toBe(true);
  });
  it('matches IP addresses and CIDR ranges against IP literals only', () => {
    expect(shouldBypassProxy('10.1.2.3', '10.0.0.0/8')).toBe(true);
    expect(shouldBypassProxy('11.1.2.3', '10.0.0.0/8')).toBe(false);
    expect(shouldBypassProxy('192.168.1.5', '192.168.1.5')).toBe(true);
    expect(shouldBypassProxy('[fd00::5]', 'fd00::/8')).toBe(true);
    expect(shouldBypassProxy('::1', '::1')).toBe(true);
    expect(shouldBypassProxy('mesh.nhs.uk', '10.0.0.0/8')).toBe(false);
    expect(shouldBypassProxy('10.1.2.3', '10.0.0.0/99')).toBe(false);
  });
});

describe('proxyFromEnvironment', () => {
  const target = 'https://msg.intspineservices.nhs.uk';
  it('reads https_proxy before HTTPS_PROXY, then all_proxy', () => {
    expect(proxyFromEnvironment({ https_proxy: 'http://a:1', HTTPS_PROXY: 'http://b:2' }, target)).toEqual({ url: 'http://a:1' });
    expect(proxyFromEnvironment({ HTTPS_PROXY: 'http://b:2' }, target)).toEqual({ url: 'http://b:2' });
    expect(proxyFromEnvironment({ ALL_PROXY: 'http://c:3' }, target)).toEqual({ url: 'http://c:3' });
  });
  it('ignores http_proxy for https targets', () => {
    expect(proxyFromEnvironment({ http_proxy: 'http://a:1' }, target)).toBeUndefined();
  });
  it('honours no_proxy and NO_PROXY, with the default port', () => {
    expect(proxyFromEnvironment({ https_proxy: 'http://a:1', no_proxy: '.nhs.uk' }, target)).toBeUndefined();
    expect(proxyFromEnvironment({ https_proxy: 'http://a:1', NO_PROXY: 'msg.intspineservices.nhs.uk:443' }, target)).toBeUndefined();
    expect(proxyFromEnvironment({ https_proxy: 'http://a:1', NO_PROXY: 'msg.intspineservices.nhs.uk:8443' }, target)).toEqual({
      url: 'http://a:1',
    });
  });
});

describe('proxyUrlWithCredentials', () => {
  it('adds http:// to a bare host:port', () => {
    expect(proxyUrlWithCredentials({ url: 'proxy.trust.nhs.uk:8080' }).href).toBe('http://proxy.trust.nhs.uk:8080/');
  });
  it('folds credentials in, percent-encoded so hpagent can decode them', () => {
    const url = proxyUrlWithCredentials({ url: 'http://proxy:8080', username: 'TRUST\\jo.bloggs', password: 'p@ss:w%rd' });
    expect(decodeURIComponent(url.username)).toBe('TRUST\\jo.bloggs');
    expect(decodeURIComponent(url.password)).toBe('p@ss:w%rd');
    expect(url.host).toBe('proxy:8080');
  });
  it('refuses other schemes and garbage', () => {
    expect(() => proxyUrlWithCredentials({ url: 'socks5://proxy:1080' })).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    expect(() => proxyUrlWithCredentials({ url: 'http://' })).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
  });
});
