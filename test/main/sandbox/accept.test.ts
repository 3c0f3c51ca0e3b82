import { describe, expect, it } from 'vitest';
import { parseAcceptHeader } from '../../../main/sandbox/accept';

describe('parseAcceptHeader', () => {
  it.each([
    [undefined, 1],
    ['', 1],
    ['application/json', 1],
    ['*/*', 1],
    ['application/vnd.mesh.v1+json', 1],
    ['application/vnd.mesh.v2+json', 2],
    ['application/vnd.mesh.v2+json;q=0.9', 2],
    ['  application/vnd.mesh.v2+json  ', 2],
    ['application/vnd.mesh.v3+json', 3],
    ['APPLICATION/VND.MESH.V2+JSON', 1],
    ['text/html;application/vnd.mesh.v2+json', 2],
  ])('reads %j as version %s', (header, version) => {
    expect(parseAcceptHeader(header)).toBe(version);
  });

  it.each([
    'application/vnd.mesh.v2+json, */*',
    'application/vnd.mesh.v2+xml',
    'application/vnd.mesh.vX+json',
    'application/vnd.mesh+json',
  ])('finds %j malformed', (header) => {
    expect(parseAcceptHeader(header)).toBeUndefined();
  });
});
