import { describe, expect, it } from 'vitest';
import { describeAuthenticationRemoval } from './describe-authentication-removal.js';

describe('describeAuthenticationRemoval', () => {
  it('refuses only a change from some keys to none', () => {
    expect(describeAuthenticationRemoval(['gateway-secret'], [])).toMatch(
      /^server\.api_keys is gone or empty, which would turn authentication off/,
    );
    expect(describeAuthenticationRemoval(['gateway-secret'], ['other-secret'])).toBeUndefined();
    expect(describeAuthenticationRemoval([], [])).toBeUndefined();
    expect(describeAuthenticationRemoval([], ['gateway-secret'])).toBeUndefined();
  });
});
