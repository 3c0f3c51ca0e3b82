import { describe, expect, it } from 'vitest';
import { authHash } from '../../../main/mesh/auth';

// Expected values from `openssl dgst -sha256 -hmac KEY` over the same text, not from the code under test.
describe('authHash', () => {
  it('is HMAC-SHA256 of MAILBOX:NONCE:COUNT:PASSWORD:TIMESTAMP under the shared key, for each key it is given', () => {
    const hash = (key: string) => authHash(key, 'X26ABC1', '4a9c1e2f', '0', 'password', '202612072300');
    expect(hash('TestKey')).toBe('585e98da3f42ddd473da19321f117360816365b5fc3e3065d578c6ee74aab492');
    expect(hash('OtherKey')).toBe('6e17352fbc8ecb60ac869d4d8fe1448ea45aa5c15d994ed1d6aba526abda5ddb');
    // Asked again, after another key: each key keeps its own answer.
    expect(hash('TestKey')).toBe('585e98da3f42ddd473da19321f117360816365b5fc3e3065d578c6ee74aab492');
  });
});
