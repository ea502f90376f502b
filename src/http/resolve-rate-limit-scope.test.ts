import { describe, expect, it } from 'vitest';
import { resolveRateLimitScope } from './resolve-rate-limit-scope.js';

// From the recorded Anthropic response (providers/anthropic/__fixtures__/messages-ratelimit-headers.json).
const ANTHROPIC_HEADERS = {
  'content-type': 'application/json',
  'anthropic-ratelimit-requests-limit': '50',
  'anthropic-ratelimit-requests-remaining': '49',
  'anthropic-ratelimit-requests-reset': '2026-02-25T20:02:32Z',
  'anthropic-ratelimit-tokens-remaining': '36000',
};

describe('resolveRateLimitScope', () => {
  it("reads the vendor's per-model budget headers as the model's (recorded Anthropic headers; OpenAI's)", () => {
    expect(resolveRateLimitScope(ANTHROPIC_HEADERS, 'anthropic-ratelimit-')).toBe('model');
    expect(resolveRateLimitScope({ 'x-ratelimit-remaining-requests': '0', 'retry-after': '20' }, 'x-ratelimit-')).toBe('model');
  });

  it("reads the IETF RateLimit headers alone as the key's budget, and the vendor's headers win over them", () => {
    const hub = { ratelimit: '"api";r=0;t=120', 'ratelimit-policy': '"fixed window";"api";q=500;w=300' };
    expect(resolveRateLimitScope(hub)).toBe('provider');
    expect(resolveRateLimitScope(hub, 'x-ratelimit-')).toBe('provider');
    expect(resolveRateLimitScope({ ...hub, 'x-ratelimit-remaining-tokens': '0' }, 'x-ratelimit-')).toBe('model');
  });

  it('takes a 429 that says nothing as the model’s', () => {
    expect(resolveRateLimitScope({ 'retry-after': '3600' })).toBe('model');
    expect(resolveRateLimitScope({}, 'anthropic-ratelimit-')).toBe('model');
  });
});
