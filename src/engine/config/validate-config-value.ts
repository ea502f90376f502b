import type { z } from 'zod';
import type { ConfigIssue, ConfigResult } from './config-issue.js';
import type { ProviderRegistry } from '../../providers/provider-registry.js';
import { bundledProviderRegistry } from './bundled-provider-registry.js';
import { createConfigFileSchema } from './config-file-schema.js';
import { checkConfigRules } from './check-config-rules.js';
import { checkServerAPIKeys } from './check-server-api-keys.js';
import { buildConfig } from './build-config.js';
import { formatConfigPath, type ConfigPath } from './config-path.js';
import { convertConfigPathToCamel } from './convert-config-keys.js';
import type { KeyStyle } from './convert-key-case.js';
import { interpolateEnv } from './interpolate-env.js';
import { mapZodIssues } from './map-zod-issues.js';
import type { ConfigEnv, PathIssue } from './path-issue.js';

export interface ValidationSettings {
  /** Undefined: no `${VAR}` interpolation. */
  env: ConfigEnv | undefined;
  keyStyle: KeyStyle;
  /** Where a path sits in the source text, when there is one. */
  locate?: (path: ConfigPath) => { line: number; column: number } | undefined;
  /** The provider types the config may use (default: the bundled ones). */
  registry?: ProviderRegistry;
}

/** The one pipeline behind every loader: interpolate, validate shape, check rules, build. */
export function validateConfigValue(value: unknown, settings: ValidationSettings): ConfigResult {
  const registry = settings.registry ?? bundledProviderRegistry;
  const configFileSchema = createConfigFileSchema(registry);
  const prepared = interpolateEnv(value ?? {}, settings.env, configFileSchema);
  const isUnderFailedPath = (issue: PathIssue): boolean =>
    prepared.failedPaths.some((failed) => failed.every((segment, index) => issue.path[index] === segment));
  const parsed = configFileSchema.safeParse(prepared.value, { reportInput: true });
  const shapeIssues = parsed.success ? [] : mapZodIssues(parsed.error.issues, configFileSchema, settings.keyStyle);
  const errors = [
    ...prepared.errors,
    ...[
      ...shapeIssues,
      ...checkConfigRules(prepared.value, registry),
      ...checkServerAPIKeys(value, prepared.value, settings.env, settings.keyStyle),
    ].filter((issue) => !isUnderFailedPath(issue)),
  ];
  const warnings = finishIssues(prepared.warnings, settings, configFileSchema);
  if (errors.length > 0 || !parsed.success)
    return { ok: false, errors: finishIssues(errors, settings, configFileSchema), warnings };
  return { ok: true, config: buildConfig(parsed.data, registry), warnings };
}

function finishIssues(
  issues: readonly PathIssue[],
  settings: ValidationSettings,
  configFileSchema: z.core.$ZodType,
): ConfigIssue[] {
  const seen = new Set<string>();
  const finished: ConfigIssue[] = [];
  for (const issue of issues) {
    const path = formatConfigPath(
      settings.keyStyle === 'camel' ? convertConfigPathToCamel(issue.path, configFileSchema) : issue.path,
    );
    const key = `${path}\n${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const position = settings.locate?.(issue.path);
    finished.push(position === undefined ? { path, message: issue.message } : { path, message: issue.message, ...position });
  }
  // File order reads best; issues without a position keep their place after the located ones.
  return finished
    .map((issue, index) => ({ issue, index }))
    .sort((a, b) => compareLines(a.issue, b.issue) || a.index - b.index)
    .map(({ issue }) => issue);
}

function compareLines(a: ConfigIssue, b: ConfigIssue): number {
  const lineA = a.line ?? Number.POSITIVE_INFINITY;
  const lineB = b.line ?? Number.POSITIVE_INFINITY;
  if (lineA !== lineB) return lineA < lineB ? -1 : 1;
  return (a.column ?? 0) - (b.column ?? 0);
}
