import type { ConfigIssue } from './config-issue.js';

/** One issue per line: `path: message (line N)`; issues about the whole text have no path. */
export function formatConfigIssues(issues: readonly ConfigIssue[]): string {
  return issues.map(formatConfigIssue).join('\n');
}

export function formatConfigIssue(issue: ConfigIssue): string {
  if (issue.path === '') return issue.message;
  const line = issue.line === undefined ? '' : ` (line ${issue.line})`;
  return `${issue.path}: ${issue.message}${line}`;
}
