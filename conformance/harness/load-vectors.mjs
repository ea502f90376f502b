import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const METHODS = new Set(['chat', 'chatStream', 'embed', 'models']);
const FORMATS = new Set(['openai', 'anthropic', 'huggingface']);

/**
 * Reads every `vectors/*.json`, checking the shape the harness relies on so that a broken vector is
 * named with what is wrong rather than failing half-way through a run. Returns them by name, in file order.
 */
export function loadVectors(directory) {
  const vectors = new Map();
  for (const file of readdirSync(directory)
    .filter((name) => name.endsWith('.json'))
    .sort()) {
    const path = join(directory, file);
    let vector;
    try {
      vector = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new Error(`${path}: not JSON (${error.message})`);
    }
    const problems = checkVector(vector, file.replace(/\.json$/, ''));
    if (problems.length > 0) throw new Error(`${path}: ${problems.join('; ')}`);
    vectors.set(vector.name, vector);
  }
  return vectors;
}

function checkVector(vector, baseName) {
  const problems = [];
  if (typeof vector !== 'object' || vector === null) return ['a vector is a JSON object'];
  if (vector.name !== baseName)
    problems.push(`name must be the file's base name "${baseName}", got ${JSON.stringify(vector.name)}`);
  if (typeof vector.description !== 'string' || vector.description === '') problems.push('description: a sentence is required');
  if (typeof vector.config !== 'object' || vector.config === null) problems.push('config: the engine config object is required');
  if (!Array.isArray(vector.upstreams)) problems.push('upstreams: an array is required (it may be empty)');
  else
    vector.upstreams.forEach((upstream, index) => {
      if (typeof upstream.name !== 'string') problems.push(`upstreams[${index}].name: a string is required`);
      if (!FORMATS.has(upstream.format)) problems.push(`upstreams[${index}].format: one of ${[...FORMATS].join(', ')}`);
      if (upstream.responses !== undefined && !Array.isArray(upstream.responses))
        problems.push(`upstreams[${index}].responses: an array`);
    });
  const call = vector.call;
  if (typeof call !== 'object' || call === null) problems.push('call: required');
  else {
    if (!METHODS.has(call.method)) problems.push(`call.method: one of ${[...METHODS].join(', ')}`);
    if (call.method !== 'models' && (typeof call.request !== 'object' || call.request === null))
      problems.push('call.request: required');
    if (call.cancelAfterEvents !== undefined && call.method !== 'chatStream')
      problems.push('call.cancelAfterEvents: only on chatStream');
  }
  if (typeof vector.expect !== 'object' || vector.expect === null) problems.push('expect: required');
  return problems;
}
