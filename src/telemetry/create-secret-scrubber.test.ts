import { describe, expect, it } from 'vitest';
import { createSecretScrubber } from './create-secret-scrubber.js';

describe('createSecretScrubber', () => {
  const scrubber = createSecretScrubber(['my-configured-key-123', 'short', undefined]);

  it('removes known secrets wherever they appear, but not values too short to be keys', () => {
    expect(scrubber.scrub('key=my-configured-key-123;again my-configured-key-123')).toBe('key=[REDACTED];again [REDACTED]');
    expect(scrubber.scrub('a short answer')).toBe('a short answer');
  });

  it('removes bearer and basic credentials, api-key assignments and provider key shapes', () => {
    expect(scrubber.scrub('Authorization: Bearer abc.def-ghi_jkl')).toBe('Authorization: [REDACTED]');
    expect(scrubber.scrub('sent bearer eyJhbGciOi.payload.sig to upstream')).toBe('sent bearer [REDACTED] to upstream');
    expect(scrubber.scrub('proxy used Basic dXNlcjpwYXNz')).toBe('proxy used Basic [REDACTED]');
    expect(scrubber.scrub('{"x-api-key":"abc123456","model":"m"}')).toBe('{"x-api-key":"[REDACTED]","model":"m"}');
    expect(scrubber.scrub('url?api_key=abcdef&x=1')).toBe('url?api_key=[REDACTED]&x=1');
    expect(scrubber.scrub('keys sk-proj-ABCDEFGHIJKLMNOPQRST, sk-ant-api03-abcdefghijklmnop and hf_abcdefghijklmnopqrstu')).toBe(
      'keys [REDACTED], [REDACTED] and [REDACTED]',
    );
  });

  it('leaves ordinary text alone', () => {
    const text = 'the bearer token was missing (Basic auth is off); rotate the api key; sk-short stays';
    expect(scrubber.scrub(text)).toBe(text);
  });

  it('copies objects with credential fields redacted at any depth, without changing the input', () => {
    const input = {
      headers: { Authorization: 'Bearer x-y-z-1', 'X-Api-Key': 'k', accept: 'application/json' },
      config: { providers: { openai: { apiKey: 'abc', api_key: 'def', baseURL: 'https://api.openai.com/v1' } } },
      list: ['token my-configured-key-123', 3, null],
      absent: { apiKey: undefined },
    };
    const before = JSON.stringify(input);
    expect(scrubber.scrubValue(input)).toEqual({
      headers: { Authorization: '[REDACTED]', 'X-Api-Key': '[REDACTED]', accept: 'application/json' },
      config: { providers: { openai: { apiKey: '[REDACTED]', api_key: '[REDACTED]', baseURL: 'https://api.openai.com/v1' } } },
      list: ['token [REDACTED]', 3, null],
      absent: { apiKey: undefined },
    });
    expect(JSON.stringify(input)).toBe(before);
  });

  it('returns a clean object itself, without copying', () => {
    const clean = { request_id: 'r-1', model: 'gpt-4o-mini', tokens: [1, 2], nested: { status: 'ok' } };
    expect(scrubber.scrubValue(clean)).toBe(clean);
  });

  it('turns errors into plain objects with scrubbed message and stack', () => {
    const scrubbed = scrubber.scrubValue({ err: new Error('failed with my-configured-key-123') }) as {
      err: Record<string, unknown>;
    };
    expect(scrubbed.err['type']).toBe('Error');
    expect(scrubbed.err['message']).toBe('failed with [REDACTED]');
    expect(String(scrubbed.err['stack'])).not.toContain('my-configured-key-123');
  });

  it('learns secrets later, longest first so a key containing another goes whole', () => {
    const later = createSecretScrubber();
    later.addSecrets(['abcdefgh', 'abcdefgh-longer-key']);
    expect(later.scrub('abcdefgh-longer-key / abcdefgh')).toBe('[REDACTED] / [REDACTED]');
  });
});
