import { describe, expect, test } from 'vitest';
import { looksLikeSecret } from './looks-like-secret.js';

describe('looksLikeSecret', () => {
  test('recognises vendor keys, long random runs and announced keys', () => {
    expect(looksLikeSecret('sk-proj-abcdefgh12345678')).toBe(true);
    expect(looksLikeSecret('sk-ant-api03-xyzxyzxyz')).toBe(true);
    expect(looksLikeSecret('hf_AbCdEfGhIjKlMnOp')).toBe(true);
    expect(looksLikeSecret('gsk_1234567890abcdef')).toBe(true);
    expect(looksLikeSecret('0123456789abcdef0123456789abcdef')).toBe(true);
    expect(looksLikeSecret('api_key abc')).toBe(true);
    expect(looksLikeSecret('Bearer abc')).toBe(true);
  });

  test('leaves ordinary config values alone', () => {
    for (const value of [
      'ten',
      'round_robin',
      'http://localhost:11434/v1',
      'claude-3-5-sonnet-20241022',
      'meta-llama/Llama-3.1-8B-Instruct',
      'sentence-transformers/all-MiniLM-L6-v2',
      'chat-default',
      'ask-me', // "sk-" inside a word is not a key prefix
    ]) {
      expect(looksLikeSecret(value), value).toBe(false);
    }
    expect(looksLikeSecret('api_key', { includeWords: false })).toBe(false);
  });
});
