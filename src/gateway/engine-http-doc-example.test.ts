import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeFrameIssue } from '../protocol/describe-frame-issue.js';
import { engineFrameSchema } from '../protocol/engine-frame-schema.js';
import { engineChatBodySchema } from './engine-call-body-schemas.js';

const doc = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');
const section = doc.slice(doc.indexOf('## Over HTTP'));

describe('docs/protocol.md, "Over HTTP"', () => {
  it('shows bodies the schemas take and answers that are engine frames, its bad body answered as the gateway does', () => {
    const lines = section.split('\n');
    const bodies = lines.filter((line) => line.startsWith('{"params"')).map((line) => JSON.parse(line) as unknown);
    const answers = lines
      .filter((line) => line.startsWith('{"type"') || line.startsWith('data: {'))
      .map((line) => JSON.parse(line.replace(/^data: /, '')) as Record<string, unknown>);
    for (const answer of answers)
      expect(engineFrameSchema.safeParse({ ...answer, id: 0 }).success, JSON.stringify(answer)).toBe(true);
    const rejected = bodies.map((body) => engineChatBodySchema.safeParse(body)).filter((parsed) => !parsed.success);
    expect(rejected).toHaveLength(1);
    const { param, message } = describeFrameIssue(rejected[0]!.error.issues[0]!);
    expect(answers).toContainEqual({ type: 'error', error: { code: 'invalid_request', message, retryable: false, param } });
    expect(bodies.length).toBeGreaterThanOrEqual(3);
    expect(answers.length).toBeGreaterThanOrEqual(7);
  });
});
