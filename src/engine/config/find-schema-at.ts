import type { z } from 'zod';

type Schema = z.core.$ZodType;
type PathSegment = string | number;

/** Peels the wrappers that do not change a value's shape (optional, default, preprocess pipes...). */
export function unwrapSchema(schema: Schema): Schema {
  let current = schema;
  for (;;) {
    const def = current._zod.def as { type: string; innerType?: Schema; in?: Schema; out?: Schema };
    if (def.innerType !== undefined) current = def.innerType;
    else if (def.type === 'pipe' && def.out !== undefined && def.in !== undefined) {
      // z.preprocess(f, s) is pipe(transform, s); a .transform() is pipe(s, transform).
      current = def.out._zod.def.type === 'transform' ? def.in : def.out;
    } else return current;
  }
}

/**
 * The schema that validates the value at `segments` below `root`, or undefined when the path leaves
 * the schema (an unknown key). Used to name the keys an object allows, to tell fields from map keys
 * and to know which values are numbers.
 */
export function findSchemaAt(root: Schema, segments: readonly PathSegment[]): Schema | undefined {
  let current: Schema | undefined = unwrapSchema(root);
  for (let index = 0; index < segments.length && current !== undefined; index += 1) {
    current = findChildSchema(current, segments[index]!, segments.slice(index + 1));
  }
  return current;
}

function findChildSchema(schema: Schema, segment: PathSegment, rest: readonly PathSegment[]): Schema | undefined {
  const def = schema._zod.def as {
    type: string;
    shape?: Record<string, Schema>;
    valueType?: Schema;
    element?: Schema;
    options?: Schema[];
  };
  switch (def.type) {
    case 'object':
      return typeof segment === 'string' && def.shape !== undefined && Object.hasOwn(def.shape, segment)
        ? unwrapSchema(def.shape[segment]!)
        : undefined;
    case 'record':
      return typeof segment === 'string' && def.valueType !== undefined ? unwrapSchema(def.valueType) : undefined;
    case 'array':
      return typeof segment === 'number' && def.element !== undefined ? unwrapSchema(def.element) : undefined;
    case 'union':
      for (const option of def.options ?? []) {
        const child = findChildSchema(unwrapSchema(option), segment, rest);
        if (child !== undefined && (rest.length === 0 || findSchemaAt(child, rest) !== undefined)) return child;
      }
      return undefined;
    default:
      return undefined;
  }
}

/** The keys an object schema allows, or undefined when `schema` is not an object. */
export function listObjectKeys(schema: Schema | undefined): string[] | undefined {
  if (schema === undefined) return undefined;
  const def = unwrapSchema(schema)._zod.def as { type: string; shape?: Record<string, Schema> };
  return def.type === 'object' && def.shape !== undefined ? Object.keys(def.shape) : undefined;
}

export function getSchemaType(schema: Schema | undefined): string | undefined {
  return schema === undefined ? undefined : unwrapSchema(schema)._zod.def.type;
}
