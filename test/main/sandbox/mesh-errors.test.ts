import { describe, expect, it } from 'vitest';
import { MESH_ERRORS, errorResponseBody } from '../../../main/sandbox/mesh-errors';

describe('errorResponseBody', () => {
  const unregistered = { kind: 'mesh' as const, error: MESH_ERRORS.unregisteredRecipient, messageId: 'M1' };

  it('shapes a MESH error for v1', () => {
    expect(errorResponseBody(unregistered, 1)).toEqual({
      contentType: 'application/json',
      json: { messageID: 'M1', errorEvent: 'SEND', errorCode: '12', errorDescription: 'Unregistered to address' },
    });
  });

  it('shapes a MESH error for v2', () => {
    expect(errorResponseBody(unregistered, 2)).toEqual({
      contentType: 'application/vnd.mesh.v2+json',
      json: { message_id: 'M1', detail: [{ event: 'SEND', code: '12', msg: 'Unregistered to address' }] },
    });
  });

  it('gives free text empty event and code', () => {
    expect(errorResponseBody({ kind: 'text', text: 'Invalid Authentication Token' }, 2).json).toEqual({
      detail: [{ event: '', code: '', msg: 'Invalid Authentication Token' }],
    });
  });

  it('lists offending fields in v1 only', () => {
    const body = { kind: 'mesh' as const, error: MESH_ERRORS.malformedControlFile, fields: ['mex_subject'] };
    expect(errorResponseBody(body, 1).json).toMatchObject({ fields: ['mex_subject'] });
    expect(errorResponseBody(body, 2).json).not.toHaveProperty('fields');
  });

  it('uses the sandbox’s generic body when there is no detail', () => {
    expect(errorResponseBody({ kind: 'internal' }, 2).json).toEqual({
      message: 'An internal error occurred.\n\nPlease contact support.',
    });
  });

  it('keeps FastAPI validation bodies as they are in both versions', () => {
    const issues = [{ loc: ['query', 'x'], msg: 'field required', type: 'value_error.missing' }];
    expect(errorResponseBody({ kind: 'validation', issues }, 2)).toEqual({ contentType: 'application/json', json: { detail: issues } });
  });
});
