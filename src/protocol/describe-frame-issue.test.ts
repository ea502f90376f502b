import { describe, expect, it } from 'vitest';
import { clientFrameSchema } from './client-frame-schema.js';
import { describeFrameIssue } from './describe-frame-issue.js';

const describeChat = (params: object) =>
  describeFrameIssue(clientFrameSchema.safeParse({ id: 1, method: 'chat', params }).error!.issues[0]!);

describe('describeFrameIssue', () => {
  it('names the deepest field of a union the value partly matched', () => {
    expect(describeChat({ model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 3 }] }] })).toEqual({
      param: 'params.messages[0].content[0].text',
      message: 'params.messages[0].content[0].text: Invalid input: expected string, received number',
    });
  });

  it('lists what each branch of a union takes when none matched', () => {
    expect(describeChat({ model: 'm', messages: [{ role: 'user', content: 7 }] })).toEqual({
      param: 'params.messages[0].content',
      message: 'params.messages[0].content: expected string, or expected array, received number',
    });
  });

  it('names an unknown field and a wrong discriminator', () => {
    expect(describeChat({ model: 'm', messages: [], temprature: 1 })).toEqual({
      param: 'params.temprature',
      message: 'params.temprature: unknown field',
    });
    expect(describeChat({ model: 'm', messages: [{ role: 'bot', content: 'x' }] }).param).toBe('params.messages[0].role');
  });
});
