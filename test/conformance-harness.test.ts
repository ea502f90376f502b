/**
 * The conformance harness itself (conformance/harness.mjs): its JSON-lines protocol, the matching
 * rule every language is judged by, and that everything it starts is stopped. The vectors are run
 * by test/conformance-stdio.test.ts and test/conformance-http.test.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { matchExpected } from '../conformance/harness/match-expected.mjs';
import { startHarness, type Harness } from './conformance/start-harness.js';

const harnesses: Harness[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
});

async function start(): Promise<Harness> {
  const harness = await startHarness();
  harnesses.push(harness);
  return harness;
}

/** Whether anything still accepts connections at that address. */
async function isListening(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  }
}

describe('matchExpected', () => {
  it('matches a partial object: named keys must match, others are free', () => {
    expect(matchExpected({ result: { text: 'hi' } }, { result: { text: 'hi', id: 'x' }, extra: 1 })).toEqual([]);
    expect(matchExpected({ result: { text: 'hi', usage: { inputTokens: 3 } } }, { result: { text: 'ho', usage: {} } })).toEqual([
      'result.text: expected "hi", got "ho"',
      'result.usage.inputTokens: missing, expected 3',
    ]);
  });

  it('arrays must have the same length and match element by element', () => {
    expect(matchExpected({ events: [{ type: 'start' }] }, { events: [{ type: 'start' }, { type: 'finish' }] })).toEqual([
      'events: expected 1 element(s), got 2: [{"type":"start"},{"type":"finish"}]',
    ]);
    expect(matchExpected([{ type: 'a' }, 2], [{ type: 'b' }, 2])).toEqual(['[0].type: expected "a", got "b"']);
  });

  it('compares values exactly: no type coercion, null is a value', () => {
    expect(matchExpected({ status: 429 }, { status: '429' })).toEqual(['status: expected 429, got "429"']);
    expect(matchExpected({ rawFinishReason: null }, { rawFinishReason: null })).toEqual([]);
    expect(matchExpected({ rawFinishReason: null }, {})).toEqual(['rawFinishReason: missing, expected null']);
  });

  it('matchers: $type, $gte/$lte, $contains, $length, $absent, $any', () => {
    const actual = { id: 'x', n: 5, message: 'openai returned 429', list: [1, 2], gone: null, there: 0 };
    const passing = {
      id: { $type: 'string' },
      n: { $gte: 5, $lte: 5, $type: 'integer' },
      message: { $contains: 'returned 429' },
      list: { $length: 2 },
      gone: { $absent: true },
      missing: { $absent: true },
      there: { $any: true },
    };
    expect(matchExpected(passing, actual)).toEqual([]);
    expect(
      matchExpected(
        {
          id: { $type: 'number' },
          n: { $gte: 6 },
          message: { $contains: '503' },
          list: { $length: 3 },
          there: { $absent: true },
          nope: { $any: true },
        },
        actual,
      ),
    ).toEqual([
      'id: expected a value of type number, got "x"',
      'n: expected a number >= 6, got 5',
      'message: expected a string containing "503", got "openai returned 429"',
      'list: expected length 3, got [1,2]',
      'there: expected no value, got 0',
      'nope: missing, expected {"$any":true}',
    ]);
    expect(matchExpected({ n: { $gt: 1 } }, { n: 2 })).toEqual(['n: unknown matcher $gt']);
  });
});

describe('conformance harness', () => {
  it('announces its vectors and answers every line, bad ones with an error', async () => {
    const harness = await start();
    expect(harness.vectors).toContain('openai-chat-text');
    expect(await harness.send({ op: 'setup', vector: 'no-such-vector', mode: 'stdio' })).toEqual({
      ok: false,
      error: 'no vector named "no-such-vector"',
    });
    expect(await harness.send({ op: 'setup', vector: 'openai-chat-text', mode: 'grpc' })).toMatchObject({ ok: false });
    expect(await harness.send({ op: 'check', observed: {} })).toEqual({ ok: false, error: 'check without a vector set up' });
    expect(await harness.send({ op: 'launch' })).toMatchObject({ ok: false, error: expect.stringContaining('unknown op') });
    expect(await harness.send({ op: 'teardown' })).toEqual({ ok: true });
  });

  it('check names each difference and the upstream count, then stops the servers and removes the config', async () => {
    const harness = await start();
    const setup = await harness.send({ op: 'setup', vector: 'openai-chat-text', mode: 'stdio' });
    expect(setup).toMatchObject({ ok: true, call: { method: 'chat' } });
    expect(setup.baseURL).toBeUndefined();
    const config = JSON.parse(readFileSync(setup.configPath!, 'utf8')) as {
      providers: { openai: { base_url: string } };
      server: { api_keys: string[] };
    };
    const upstream = config.providers.openai.base_url;
    expect(upstream).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(config.server.api_keys).toHaveLength(1);

    const checked = await harness.send({ op: 'check', observed: { result: { text: 'ho' } } });
    expect(checked.ok).toBe(false);
    expect(checked.problems).toContain('result.text: expected "to two.", got "ho"');
    expect(checked.problems).toContain('upstreams.openai: expected 1 request(s), got 0');
    expect(existsSync(dirname(setup.configPath!))).toBe(false);
    expect(await isListening(upstream)).toBe(false);
  });

  it('http mode serves the vector through a gateway that wants the key; teardown and exit stop it', async () => {
    const harness = await start();
    const setup = await harness.send({ op: 'setup', vector: 'models-list', mode: 'http' });
    expect(setup).toMatchObject({ ok: true, baseURL: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    const models = await fetch(`${setup.baseURL}/v1/models`, { headers: { authorization: `Bearer ${setup.apiKey}` } });
    expect(models.status).toBe(200);
    expect((await fetch(`${setup.baseURL}/v1/models`)).status).toBe(401);
    expect(await harness.send({ op: 'teardown' })).toEqual({ ok: true });
    expect(await isListening(setup.baseURL!)).toBe(false);

    const again = await harness.send({ op: 'setup', vector: 'models-list', mode: 'http' });
    await harnesses.pop()!.close();
    expect(await isListening(again.baseURL!)).toBe(false);
  });
});
