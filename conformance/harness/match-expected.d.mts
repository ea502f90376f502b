/** Types for the TypeScript tests of the matcher (the harness itself is plain JavaScript). */
export function matchExpected(expected: unknown, actual: unknown, path?: string): string[];
export function isOperator(value: unknown): boolean;
