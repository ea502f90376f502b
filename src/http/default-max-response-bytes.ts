/**
 * 256 MiB: the largest embedding batch OpenAI allows (2,048 inputs) of its largest model (3,072
 * dimensions) is 181 MiB as OpenAI's indented float JSON, 127 MiB as compact floats and 32 MiB as
 * base64, so the default refuses no legitimate answer; it stops an upstream that never ends (or one
 * of gigabytes) from taking the process's memory. Lower it per provider for tighter memory.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;
