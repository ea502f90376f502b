import { describe, expect, it } from 'vitest';
import type { RequestContext } from '../engine/engine-events.js';
import { InvalidRequestError, NotFoundError } from '../spec/errors.js';
import { createModelLabeler, MAX_MODEL_LABEL_LENGTH } from './create-model-labeler.js';

function context(fields: Partial<RequestContext>): RequestContext {
  return {
    requestId: 'r',
    operation: 'chat',
    requestedModel: 'x',
    route: undefined,
    startedAt: 0,
    attempts: 1,
    rateLimitWaitMs: 0,
    observers: {},
    ...fields,
  };
}
const notFound = new NotFoundError({ message: 'no such model' });

describe('createModelLabeler', () => {
  it('trusts route models (from the config) and falls back to the route name before resolution', () => {
    const labeler = createModelLabeler();
    expect(labeler.labelOf(context({ route: 'chat', model: 'gpt-4o-mini', error: notFound }), 'openai')).toBe('gpt-4o-mini');
    expect(labeler.labelOf(context({ route: 'chat' }), 'unknown')).toBe('chat');
    expect(labeler.labelOf(context({}), 'unknown')).toBe('unknown');
  });

  it('labels a typed model "unknown" on failure until an upstream has served it once', () => {
    const labeler = createModelLabeler();
    expect(labeler.labelOf(context({ model: 'typo-model', error: notFound }), 'openai')).toBe('unknown');
    expect(labeler.labelOf(context({ model: 'gpt-4o' }), 'openai')).toBe('gpt-4o');
    expect(labeler.labelOf(context({ model: 'gpt-4o', error: new InvalidRequestError({ message: 'bad' }) }), 'openai')).toBe(
      'gpt-4o',
    );
    // Learned per provider: the same id elsewhere is still free text.
    expect(labeler.labelOf(context({ model: 'gpt-4o', error: notFound }), 'other')).toBe('unknown');
  });

  it('accepts configured provider models from the start and caps learned ones', () => {
    const labeler = createModelLabeler(2);
    labeler.seed([
      { id: 'openai/gpt-4.1', kind: 'provider-model', provider: 'openai' },
      { id: 'chat', kind: 'route' },
    ]);
    expect(labeler.labelOf(context({ model: 'gpt-4.1', error: notFound }), 'openai')).toBe('gpt-4.1');
    expect(labeler.labelOf(context({ model: 'a' }), 'llama')).toBe('a');
    expect(labeler.labelOf(context({ model: 'b' }), 'llama')).toBe('b');
    expect(labeler.labelOf(context({ model: 'c' }), 'llama')).toBe('other');
    expect(labeler.labelOf(context({ model: 'a' }), 'llama')).toBe('a');
    expect(labeler.labelOf(context({ model: 'explicit' }), 'llama', 'b')).toBe('b');
  });

  it('caps learned models per provider, so one server that accepts any name cannot use up the others', () => {
    const labeler = createModelLabeler(2);
    for (const model of ['a', 'b']) expect(labeler.labelOf(context({ model }), 'llama')).toBe(model);
    expect(labeler.labelOf(context({ model: 'c' }), 'llama')).toBe('other');
    expect(labeler.labelOf(context({ model: 'gpt-4o' }), 'openai')).toBe('gpt-4o');
  });

  it('folds a label value longer than the model name limit into "other", routes and configured models included', () => {
    const labeler = createModelLabeler();
    const long = 'm'.repeat(MAX_MODEL_LABEL_LENGTH + 1);
    labeler.seed([{ id: `openai/${long}`, kind: 'provider-model', provider: 'openai' }]);
    expect(labeler.labelOf(context({ model: long }), 'llama')).toBe('other');
    expect(labeler.labelOf(context({ model: long }), 'openai')).toBe('other');
    expect(labeler.labelOf(context({ route: 'chat', model: long }), 'openai')).toBe('other');
    expect(labeler.labelOf(context({ route: long }), 'unknown')).toBe('other');
    const fits = 'm'.repeat(MAX_MODEL_LABEL_LENGTH);
    expect(labeler.labelOf(context({ model: fits }), 'llama')).toBe(fits);
  });
});
