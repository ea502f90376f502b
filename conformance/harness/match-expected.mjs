/**
 * The one matching rule every runner is judged by (conformance/README.md, "Matching"): `expected`
 * is a partial object. Every key it names must be present in `actual` and match, recursively;
 * arrays must have the same length and match element by element; keys it does not name are free.
 * A few operator objects (keys starting with `$`) match what cannot be frozen as a value.
 */

const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);
const OPERATORS = new Set(['$type', '$gte', '$lte', '$contains', '$absent', '$any', '$length']);

/** The differences, each `path: what was expected, what was there`; empty when `actual` matches. */
export function matchExpected(expected, actual, path = '') {
  const problems = [];
  compare(expected, actual, path, problems);
  return problems;
}

/** Whether `value` is an operator object: a plain object whose keys all start with `$`. */
export function isOperator(value) {
  return isPlainObject(value) && Object.keys(value).length > 0 && Object.keys(value).every((key) => key.startsWith('$'));
}

function compare(expected, actual, path, problems) {
  const at = path === '' ? '(top)' : path;
  if (isOperator(expected)) return compareOperator(expected, actual, at, problems);
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return problems.push(`${at}: expected an array of ${expected.length}, got ${show(actual)}`);
    if (actual.length !== expected.length)
      return problems.push(`${at}: expected ${expected.length} element(s), got ${actual.length}: ${show(actual)}`);
    expected.forEach((item, index) => compare(item, actual[index], `${path}[${index}]`, problems));
    return;
  }
  if (isPlainObject(expected)) {
    if (!isPlainObject(actual)) return problems.push(`${at}: expected an object, got ${show(actual)}`);
    for (const [key, value] of Object.entries(expected)) {
      const child = path === '' ? key : `${path}.${key}`;
      if (isOperator(value) && value.$absent === true) {
        if (actual[key] !== undefined && actual[key] !== null)
          problems.push(`${child}: expected no value, got ${show(actual[key])}`);
        continue;
      }
      if (!(key in actual) || actual[key] === undefined) {
        problems.push(`${child}: missing, expected ${show(value)}`);
        continue;
      }
      compare(value, actual[key], child, problems);
    }
    return;
  }
  if (actual !== expected) problems.push(`${at}: expected ${show(expected)}, got ${show(actual)}`);
}

function compareOperator(expected, actual, at, problems) {
  for (const key of Object.keys(expected)) if (!OPERATORS.has(key)) problems.push(`${at}: unknown matcher ${key}`);
  if (expected.$absent === true) {
    if (actual !== undefined && actual !== null) problems.push(`${at}: expected no value, got ${show(actual)}`);
    return;
  }
  if (actual === undefined) return problems.push(`${at}: missing, expected ${show(expected)}`);
  if (expected.$type !== undefined) {
    if (!TYPES.has(expected.$type)) problems.push(`${at}: unknown $type ${show(expected.$type)}`);
    else if (typeOf(actual) !== expected.$type && !(expected.$type === 'number' && typeOf(actual) === 'integer'))
      problems.push(`${at}: expected a value of type ${expected.$type}, got ${show(actual)}`);
  }
  if (expected.$gte !== undefined && !(typeof actual === 'number' && actual >= expected.$gte))
    problems.push(`${at}: expected a number >= ${expected.$gte}, got ${show(actual)}`);
  if (expected.$lte !== undefined && !(typeof actual === 'number' && actual <= expected.$lte))
    problems.push(`${at}: expected a number <= ${expected.$lte}, got ${show(actual)}`);
  if (expected.$contains !== undefined && !(typeof actual === 'string' && actual.includes(expected.$contains)))
    problems.push(`${at}: expected a string containing ${show(expected.$contains)}, got ${show(actual)}`);
  if (expected.$length !== undefined) {
    const length = typeof actual === 'string' || Array.isArray(actual) ? actual.length : undefined;
    if (length !== expected.$length) problems.push(`${at}: expected length ${expected.$length}, got ${show(actual)}`);
  }
}

function typeOf(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function isPlainObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value) {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
