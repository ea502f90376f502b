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
 * `prefix` is the path of `root` itself. The walk recurses, but never past `maxDepth` frames: it
 * cannot overflow the stack it protects, and a plain recursion with `for…in` costs a fraction of an
 * explicit stack of key lists (0.7 µs for a chat body with five tool schemas, against 2.5 µs).
 */
export function findDeepNesting(root: unknown, maxDepth = MAX_JSON_DEPTH, prefix = ''): string | undefined {
  if (typeof root !== 'object' || root === null) return undefined;
  if (maxDepth < 1) return prefix;
  const path = findDeepPath(root, 1, maxDepth);
  return path === undefined ? undefined : formatPath(prefix, path);
}

/** The keys from `value` (at `depth`) down to the first container past `maxDepth`, deepest first. */
function findDeepPath(value: object, depth: number, maxDepth: number): (string | number)[] | undefined {
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const child: unknown = value[index];
      if (typeof child !== 'object' || child === null) continue;
      if (depth >= maxDepth) return [index];
      const path = findDeepPath(child, depth + 1, maxDepth);
      if (path !== undefined) {
        path.push(index);
        return path;
      }
    }
    return undefined;
  }
  for (const key in value) {
    const child: unknown = (value as Record<string, unknown>)[key];
    if (typeof child !== 'object' || child === null) continue;
    if (depth >= maxDepth) return [key];
    const path = findDeepPath(child, depth + 1, maxDepth);
    if (path !== undefined) {
      path.push(key);
      return path;
    }
  }
  return undefined;
}

/** `prefix` and the keys (deepest first), as `a.b[0].c`, cut to stay readable. */
function formatPath(prefix: string, reversed: readonly (string | number)[]): string {
  let text = prefix;
  for (let level = reversed.length - 1; level >= 0 && text.length <= MAX_PATH_LENGTH; level--) {
    const key = reversed[level]!;
    if (typeof key === 'number') {
      text += `[${key}]`;
    } else {
      const shown = key.length > MAX_KEY_LENGTH ? `${key.slice(0, MAX_KEY_LENGTH)}…` : key;
      text += text === '' ? shown : `.${shown}`;
    }
  }
  return text.length > MAX_PATH_LENGTH ? `${text.slice(0, MAX_PATH_LENGTH)}…` : text;
}
