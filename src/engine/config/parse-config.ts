import { LineCounter, parseDocument, type YAMLError } from 'yaml';
import type { ProviderRegistry } from '../../providers/provider-registry.js';
import type { ConfigIssue, ConfigResult } from './config-issue.js';
import { locateYAMLPath } from './locate-yaml-path.js';
import { maskEnvReferences, unmaskEnvReferences, unmaskText } from './mask-env-references.js';
import type { ConfigEnv } from './path-issue.js';
import { validateConfigValue } from './validate-config-value.js';

export interface ParseConfigOptions {
  /** Where `${VAR}` values come from. Defaults to process.env. */
  env?: ConfigEnv;
  /** A file name for messages about the text as a whole (YAML syntax errors). */
  sourceName?: string;
  /** The provider types the config may use (default: the bundled ones). */
  registry?: ProviderRegistry;
}

/** Parses and validates config text (YAML; JSON is YAML too). Never throws. */
export function parseConfig(text: string, options: ParseConfigOptions = {}): ConfigResult {
  const lineCounter = new LineCounter();
  // uniqueKeys: a key written twice is a mistake, not "the last one wins". merge: `<<: *defaults`
  // shares settings between providers (top-level `x-` keys hold the anchors, as in Compose files).
  const document = parseDocument(maskEnvReferences(text), {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    merge: true,
  });
  const where = options.sourceName === undefined ? '' : ` in ${options.sourceName}`;
  const describe = (error: YAMLError, kind: string): ConfigIssue => {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    // Only yaml's first sentence: its longer form quotes the source line, which may hold a key.
    const reason =
      error.code === 'MULTIPLE_DOCS'
        ? 'a config holds one YAML document, but a second one starts here'
        : unmaskText(error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''));
    return { path: '', message: `${kind}${where} at line ${line}, column ${col}: ${reason}`, line, column: col };
  };
  const warnings = document.warnings.map((warning) => describe(warning, 'YAML warning'));
  if (document.errors.length > 0) {
    return { ok: false, errors: document.errors.map((error) => describe(error, 'YAML syntax error')), warnings };
  }
  let value: unknown;
  try {
    // Aliases are capped so a "billion laughs" document cannot exhaust memory.
    value = unmaskEnvReferences(document.toJS({ maxAliasCount: 100 }));
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { ok: false, errors: [{ path: '', message: `invalid YAML${where}: ${reason}` }], warnings };
  }
  const result = validateConfigValue(removeExtensionKeys(value), {
    env: options.env ?? process.env,
    keyStyle: 'snake',
    locate: (path) => locateYAMLPath(document, lineCounter, path),
    ...(options.registry !== undefined && { registry: options.registry }),
  });
  return { ...result, warnings: [...warnings, ...result.warnings] };
}

/** Top-level keys starting with `x-` are for YAML anchors only and are not part of the config. */
function removeExtensionKeys(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => !key.startsWith('x-')));
}
