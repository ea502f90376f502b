import type { z } from 'zod';

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `['params', 'messages', 0, 'role']` → `params.messages[0].role`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (typeof segment === 'string' && PLAIN_KEY.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(String(segment))}]`;
  }
  return text;
}

/** The field a frame got wrong and a sentence saying how, from zod's first issue. */
export function describeFrameIssue(issue: z.core.$ZodIssue): { param: string; message: string } {
  const { path, text } = explain(issue, []);
  const param = formatIssuePath(path);
  return { param, message: `${param === '' ? 'frame' : param}: ${text}` };
}

function explain(issue: z.core.$ZodIssue, prefix: readonly PropertyKey[]): { path: PropertyKey[]; text: string } {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'unrecognized_keys') return { path: [...path, issue.keys[0]!], text: 'unknown field' };
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return { path, text: issue.message };
  // zod's own message for a union is "Invalid input". The branch that got furthest into the value
  // is the one the client meant (content given as parts, one part wrong): name its field instead.
  const firsts = issue.errors.map((branch) => branch[0]!).filter(Boolean);
  const furthest = firsts.reduce((best, candidate) => (candidate.path.length > best.path.length ? candidate : best));
  if (furthest.path.length > 0) return explain(furthest, path);
  // Every branch failed at the value itself: list what each would have taken.
  const received = /, received (\w+)$/.exec(firsts.find((first) => first.code === 'invalid_type')?.message ?? '')?.[1];
  const expected = firsts.map((first) => first.message.replace(/^Invalid (input|option): /, '').replace(/, received \w+$/, ''));
  return { path, text: `${expected.join(', or ')}${received === undefined ? '' : `, received ${received}`}` };
}
