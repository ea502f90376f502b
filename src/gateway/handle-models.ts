import type { ModelInfo } from '../engine/engine.js';
import { NotFoundError } from '../spec/errors.js';
import type { GatewayContext } from './gateway-context.js';

interface OpenAIModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

function convertModel(model: ModelInfo): OpenAIModel {
  return { id: model.id, object: 'model', created: 0, owned_by: model.provider ?? 'liter-llm' };
}

/** `GET /v1/models`: the configured routes and provider models, in OpenAI's list format. */
export async function handleListModels(context: GatewayContext): Promise<void> {
  const data = context.engine.listModels().map(convertModel);
  context.sendJSON(200, JSON.stringify({ object: 'list', data }));
}

/** `GET /v1/models/{id}` (ids contain slashes: `/v1/models/openai/gpt-4o-mini`). */
export async function handleRetrieveModel(context: GatewayContext, id: string): Promise<void> {
  const model = context.engine.listModels().find((candidate) => candidate.id === id);
  if (model === undefined) throw new NotFoundError({ message: `no model "${id}" is configured`, param: 'model' });
  context.sendJSON(200, JSON.stringify(convertModel(model)));
}
