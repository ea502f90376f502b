/**
 * How deep JSON may nest, in objects and arrays, wherever it crosses a boundary: request bodies
 * (the gateway), the free-form JSON of a canonical request (tool schemas, response schemas,
 * providerOptions) and upstream answers. The body or value itself is level 1.
 *
 * Why a limit at all: JSON.parse is iterative, but JSON.stringify and every recursive walk
 * (token estimates, log scrubbing, a provider's own parser) are not: on Node 20 JSON.stringify
 * overflows the stack at about 10,000 levels, which fits in a 20 KB body. Why 64: real tool and
 * response schemas nest a few levels per object (`properties.x.items.properties.y`), rarely past
 * 20; 64 leaves room for that with the envelope around it, and stays far from any stack limit
 * however deep the call that serialises it already is.
 */
export const MAX_JSON_DEPTH = 64;

// A path is for people: keys and the whole path are cut, so a key of a megabyte stays readable.
const MAX_KEY_LENGTH = 32;
const MAX_PATH_LENGTH = 200;

/**
 * The path (`tools[0].function.parameters.properties.a…`) of the first object or array nested
 * deeper than `maxDepth` levels inside `root`, or undefined when `root` nests no deeper than that.
 * `prefix` is the path of `root` itself. Iterative, so it cannot overflow the stack it protects;
 * arrays of scalars (embeddings) are skipped in a tight loop.
 */
export function findDeepNesting(root: unknown, maxDepth = MAX_JSON_DEPTH, prefix = ''): string | undefined {
  if (typeof root !== 'object' || root === null) return undefined;
  if (maxDepth < 1) return prefix;
  // The containers on the current path, from `root` down, and how far each one's walk has come.
  const containers: object[] = [root];
  const keyLists: (string[] | undefined)[] = [Array.isArray(root) ? undefined : Object.keys(root)];
  const positions: number[] = [0];
  while (containers.length > 0) {
    const top = containers.length - 1;
    const container = containers[top]!;
    const keys = keyLists[top];
    let position = positions[top]!;
    let child: unknown;
    if (keys === undefined) {
      const array = container as unknown[];
      while (position < array.length && !isContainer(array[position])) position++;
      if (position < array.length) child = array[position];
    } else {
      while (position < keys.length && !isContainer((container as Record<string, unknown>)[keys[position]!])) position++;
      if (position < keys.length) child = (container as Record<string, unknown>)[keys[position]!];
    }
    if (child === undefined) {
      containers.pop();
      keyLists.pop();
      positions.pop();
      continue;
    }
    positions[top] = position + 1;
    if (containers.length >= maxDepth) return formatPath(prefix, keyLists, positions);
    containers.push(child as object);
    keyLists.push(Array.isArray(child) ? undefined : Object.keys(child as object));
    positions.push(0);
  }
  return undefined;
}

function isContainer(value: unknown): boolean {
  return typeof value === 'object' && value !== null;
}

/** The path down to the child just visited at the top of the stack (each position is one past it). */
function formatPath(prefix: string, keyLists: readonly (string[] | undefined)[], positions: readonly number[]): string {
  let text = prefix;
  for (let level = 0; level < positions.length && text.length <= MAX_PATH_LENGTH; level++) {
    const index = positions[level]! - 1;
    const keys = keyLists[level];
    if (keys === undefined) {
      text += `[${index}]`;
    } else {
      const key = keys[index]!;
      const shown = key.length > MAX_KEY_LENGTH ? `${key.slice(0, MAX_KEY_LENGTH)}…` : key;
      text += text === '' ? shown : `.${shown}`;
    }
  }
  return text.length > MAX_PATH_LENGTH ? `${text.slice(0, MAX_PATH_LENGTH)}…` : text;
}
