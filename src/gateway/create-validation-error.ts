import type { z } from 'zod';
import { InvalidRequestError, type LiterLLMError } from '../spec/errors.js';

type Issue = z.core.$ZodIssue;

/**
 * Turns zod's issues about a request body into one InvalidRequestError whose `param` is the field
 * at fault in wire notation (`messages[0].content`) and whose message says what was expected and
 * what came instead. Unions are resolved to the branch the input was aiming at (an array content
 * is reported against the parts schema, not as "expected string").
 */
export function createValidationError(issues: readonly Issue[], input: unknown): LiterLLMError {
  const first = issues[0];
  if (first === undefined) return new InvalidRequestError({ message: 'the request body is invalid' });
  const { issue, path } = resolveIssue(first, first.path);
  const param = formatPath(path);
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  const message = `${describeIssue(issue, param, valueAt(input, path))}${more}`;
  return new InvalidRequestError({ message, ...(param !== '' && { param }) });
}

interface ResolvedIssue {
  issue: Issue;
  path: PropertyKey[];
}

function resolveIssue(issue: Issue, path: PropertyKey[]): ResolvedIssue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return { issue, path };
  // Branches that failed only because the value has another type are not what the caller meant.
  const aimed = issue.errors.filter(
    (branch) => !branch.every((inner) => inner.code === 'invalid_type' && inner.path.length === 0),
  );
  const branch = aimed[0];
  const inner = branch?.[0];
  if (aimed.length === 1 && inner !== undefined) return resolveIssue(inner, [...path, ...inner.path]);
  return { issue, path };
}

function describeIssue(issue: Issue, param: string, value: unknown): string {
  const subject = param === '' ? 'the request body' : param;
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return `${subject} is required`;
      return `${subject}: expected ${describeExpected(issue.expected)}, got ${describeValue(value)}`;
    case 'invalid_union':
      if (issue.discriminator !== undefined && 'options' in issue && issue.options !== undefined) {
        return `${subject}: expected one of ${issue.options.map((option) => JSON.stringify(option)).join(', ')}, got ${describeValue(value)}`;
      }
      return `${subject}: expected ${issue.errors.map((branch) => describeBranch(branch)).join(' or ')}, got ${describeValue(value)}`;
    case 'invalid_value':
      return `${subject}: expected ${issue.values.map((option) => JSON.stringify(option)).join(' or ')}, got ${describeValue(value)}`;
    case 'too_small':
      if (issue.origin === 'array') return `${subject} must not be empty`;
      if (issue.origin === 'string') return `${subject} must not be empty`;
      return `${subject} must be ${issue.inclusive ? 'at least' : 'greater than'} ${String(issue.minimum)}, got ${describeValue(value)}`;
    case 'too_big':
      return `${subject} must be ${issue.inclusive ? 'at most' : 'less than'} ${String(issue.maximum)}, got ${describeValue(value)}`;
    default:
      return `${subject}: ${issue.message}`;
  }
}

function describeBranch(branch: Issue[]): string {
  const only = branch[0];
  if (branch.length === 1 && only?.code === 'invalid_type' && only.path.length === 0) return describeExpected(only.expected);
  return 'another shape';
}

function describeExpected(expected: string): string {
  switch (expected) {
    case 'int':
      return 'an integer';
    case 'array':
    case 'object':
      return `an ${expected}`;
    default:
      return `a ${expected}`;
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string')
    return value.length > 40 ? `the string ${JSON.stringify(`${value.slice(0, 40)}…`)}` : `the string ${JSON.stringify(value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `the boolean ${value}`;
  return `a ${typeof value}`;
}

/** `['messages', 0, 'content']` → `messages[0].content`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
