import { validateHeaderValue } from 'node:http';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_HEADER_VALUE_LENGTH, toHeaderValue } from './to-header-value.js';

const VISIBLE_ASCII = /^[\x20-\x7e]*$/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

// Any UTF-16 code unit, lone surrogates included, with the troublemakers drawn often.
const codeUnit = fc.oneof(
  fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
  fc.constantFrom('\r', '\n', '\0', '\t', '%', '\ud800', '\udfff', '\ud83d\ude00', 'é', '模', '\u007f'),
);
const anyText = fc.oneof(
  fc.string({ unit: codeUnit, maxLength: 64 }),
  fc.string({ unit: codeUnit, minLength: MAX_HEADER_VALUE_LENGTH - 8, maxLength: MAX_HEADER_VALUE_LENGTH * 3 }),
);

describe('toHeaderValue', () => {
  it('for any text: never throws, visible ASCII only, within the cap, a value Node accepts, and it decodes to a prefix of the input', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const value = toHeaderValue(text);
        expect(value).toMatch(VISIBLE_ASCII);
        expect(value.length).toBeLessThanOrEqual(MAX_HEADER_VALUE_LENGTH);
        expect(() => validateHeaderValue('x-liter-llm-model', value)).not.toThrow();
        const wellFormed = text.replace(LONE_SURROGATE, '\ufffd');
        const decoded = VISIBLE_ASCII.test(text) ? value : decodeURIComponent(value);
        expect(wellFormed.startsWith(decoded)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('passes visible ASCII through and percent-encodes the rest as UTF-8', () => {
    expect(toHeaderValue('gpt-4o-mini-2024-07-18')).toBe('gpt-4o-mini-2024-07-18');
    expect(toHeaderValue('meta-llama/Llama 3')).toBe('meta-llama/Llama 3');
    expect(toHeaderValue('模型')).toBe('%E6%A8%A1%E5%9E%8B');
    expect(toHeaderValue('a\r\nset-cookie: x')).toBe('a%0D%0Aset-cookie%3A%20x');
    expect(toHeaderValue('nul\0')).toBe('nul%00');
  });

  it('turns a lone surrogate into U+FFFD instead of throwing a URIError', () => {
    expect(() => encodeURIComponent('m\ud800')).toThrow(URIError);
    expect(toHeaderValue('m\ud800')).toBe('m%EF%BF%BD');
    expect(toHeaderValue('\udc00x')).toBe('%EF%BF%BDx');
    expect(toHeaderValue('\ud83d\ude00')).toBe('%F0%9F%98%80');
  });

  it('cuts long values between whole characters', () => {
    expect(toHeaderValue('a'.repeat(9 * 1024 * 1024))).toBe('a'.repeat(MAX_HEADER_VALUE_LENGTH));
    const cut = toHeaderValue('é'.repeat(1_000));
    // Six encoded characters per é: 170 of them fit.
    expect(cut).toBe('%C3%A9'.repeat(170));
    expect(toHeaderValue(`${'a'.repeat(MAX_HEADER_VALUE_LENGTH - 2)}\ud83d\ude00`)).toBe('a'.repeat(MAX_HEADER_VALUE_LENGTH - 2));
  });
});
