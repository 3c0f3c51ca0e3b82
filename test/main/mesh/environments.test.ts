import { describe, expect, it } from 'vitest';
import { MESH_ENVIRONMENTS, environmentForUrl, isLoopbackHost, normaliseBaseUrl, validateBaseUrl } from '../../../main/mesh/environments';

describe('MESH_ENVIRONMENTS', () => {
  it('has the published base URLs', () => {
    expect(MESH_ENVIRONMENTS.integration.baseUrl).toBe('https://msg.intspineservices.nhs.uk');
    expect(MESH_ENVIRONMENTS.deployment.baseUrl).toBe('https://msg.depspineservices.nhs.uk');
    expect(MESH_ENVIRONMENTS.live.baseUrl).toBe('https://mesh-sync.spineservices.nhs.uk');
    expect(MESH_ENVIRONMENTS.custom.baseUrl).toBeUndefined();
  });

  it('names the G2 chain each environment needs', () => {
    expect(MESH_ENVIRONMENTS.live.caCertificates.map((ca) => ca.commonName)).toEqual(['NHS Root Authority G2', 'NHS Authentication G2']);
    for (const id of ['integration', 'deployment'] as const) {
      expect(MESH_ENVIRONMENTS[id].caCertificates.map((ca) => ca.commonName)).toEqual([
        'NHS PTL Root Authority G2',
        'NHS INT Authentication G2',
      ]);
    }
  });

  it('tells a person which files to get and where', () => {
    expect(MESH_ENVIRONMENTS.live.caInstructions).toContain('NHS Root Authority G2');
    expect(MESH_ENVIRONMENTS.live.caInstructions).toContain('NHS Authentication G2');
    expect(MESH_ENVIRONMENTS.live.caInstructions).toContain('https://pki.nhs.uk/');
    expect(MESH_ENVIRONMENTS.integration.caInstructions).toContain('NHS PTL Root Authority G2');
  });
});

describe('environmentForUrl', () => {
  it('recognises known origins with or without a trailing slash', () => {
    expect(environmentForUrl('https://msg.intspineservices.nhs.uk/').id).toBe('integration');
    expect(environmentForUrl('https://mesh-sync.spineservices.nhs.uk').id).toBe('live');
  });
  it('calls anything else custom', () => {
    expect(environmentForUrl('https://127.0.0.1:8700').id).toBe('custom');
    expect(environmentForUrl('not a url').id).toBe('custom');
  });
});

describe('isLoopbackHost', () => {
  it.each(['localhost', 'LOCALHOST', 'localhost.', '127.0.0.1', '127.5.6.7', '::1', '[::1]', '[::ffff:7f00:1]', '::ffff:127.0.0.1'])(
    '%s is loopback',
    (host) => expect(isLoopbackHost(host)).toBe(true),
  );
  it.each(['example.com', '128.0.0.1', '10.0.0.1', '::2', 'localhost.example.com', '[::ffff:a00:1]', '0.0.0.0'])(
    '%s is not loopback',
    (host) => expect(isLoopbackHost(host)).toBe(false),
  );
});

describe('validateBaseUrl', () => {
  it('accepts https anywhere', () => {
    expect(validateBaseUrl('https://msg.intspineservices.nhs.uk')).toBeUndefined();
    expect(validateBaseUrl('https://example.org:8443/gateway/')).toBeUndefined();
  });
  it('accepts plain http only on loopback', () => {
    expect(validateBaseUrl('http://localhost:8700')).toBeUndefined();
    expect(validateBaseUrl('http://127.0.0.1:8700')).toBeUndefined();
    expect(validateBaseUrl('http://[::1]:8700')).toBeUndefined();
    const error = validateBaseUrl('http://mesh.example.nhs.uk');
    expect(error?.code).toBe('invalid-argument');
    expect(error?.message).toContain('https://');
  });
  it('refuses other schemes, garbage, credentials, query and fragment', () => {
    expect(validateBaseUrl('ftp://example.org')?.code).toBe('invalid-argument');
    expect(validateBaseUrl('mesh')?.code).toBe('invalid-argument');
    expect(validateBaseUrl('https://user:pw@example.org')?.message).toContain('user name');
    expect(validateBaseUrl('https://example.org/?a=1')?.code).toBe('invalid-argument');
    expect(validateBaseUrl('https://example.org/#x')?.code).toBe('invalid-argument');
  });
});

describe('normaliseBaseUrl', () => {
  it('drops trailing slashes and keeps a path prefix', () => {
    expect(normaliseBaseUrl('https://example.org/')).toBe('https://example.org');
    expect(normaliseBaseUrl(' https://example.org/gateway// ')).toBe('https://example.org/gateway');
    expect(normaliseBaseUrl('https://EXAMPLE.org:443')).toBe('https://example.org');
  });
  it('throws the validation error', () => {
    expect(() => normaliseBaseUrl('http://example.org')).toThrow(/https/);
  });
});
