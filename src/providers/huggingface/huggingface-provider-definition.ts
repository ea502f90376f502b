import { z } from 'zod';
import { oneOfOption } from '../option-schemas.js';
import type { ProviderDefinition } from '../provider-definition.js';
import { createHuggingFaceProvider, HUGGINGFACE_DEFAULT_BASE_URL } from './create-huggingface-provider.js';
import type { HuggingFaceProviderSettings } from './huggingface-provider-settings.js';

const huggingFaceOptionsSchema = z.strictObject({
  /** Which chat wire API the server speaks (see HuggingFaceProviderSettings.chatAPI). */
  chat_api: oneOfOption(['openai', 'tgi-generate']),
  /** Which embedding wire API the server speaks (see HuggingFaceProviderSettings.embedAPI). */
  embed_api: oneOfOption(['tei', 'feature-extraction']),
});

/** The hosted router, or a self-hosted TGI/TEI; HF_TOKEN is the variable Hugging Face's own tools read. */
export const huggingFaceProviderDefinition: ProviderDefinition = {
  type: 'huggingface',
  typeFromName: true,
  defaults: {
    baseURL: HUGGINGFACE_DEFAULT_BASE_URL,
    auth: 'bearer',
    apiKeyVariables: ['HF_TOKEN'],
    baseURLVariable: 'HF_BASE_URL',
  },
  optionsSchema: huggingFaceOptionsSchema,
  capabilities: { chat: true, stream: true, embed: true, tools: true, images: true, reasoning: false },
  create: ({ options, ...settings }) => {
    const { chatAPI, embedAPI } = options as Pick<HuggingFaceProviderSettings, 'chatAPI' | 'embedAPI'>;
    return createHuggingFaceProvider({
      ...settings,
      ...(chatAPI !== undefined && { chatAPI }),
      ...(embedAPI !== undefined && { embedAPI }),
    });
  },
};
