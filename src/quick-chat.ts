import { createEngine } from './create-engine.js';
import type { ReloadableEngine } from './engine/create-engine-core.js';
import type { RequestOptions } from './engine/engine.js';
import { createDefaultConfig } from './engine/config/create-default-config.js';

let defaultEngine: ReloadableEngine | undefined;

/**
 * The quickest way in: `await chat('openai/gpt-6-luna', 'Hello')` → the reply text. Uses one
 * shared engine configured from the environment (OPENAI_API_KEY, ANTHROPIC_API_KEY, HF_TOKEN and
 * their *_BASE_URL variables). For anything more, create your own engine with createEngine().
 */
export async function chat(model: string, prompt: string, options?: RequestOptions): Promise<string> {
  defaultEngine ??= createEngine(createDefaultConfig(process.env));
  const response = await defaultEngine.chat({ model, messages: [{ role: 'user', content: prompt }] }, options);
  return response.text;
}
