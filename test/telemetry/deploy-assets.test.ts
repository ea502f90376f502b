/**
 * deploy/: the Prometheus rules pass `promtool check rules` and their own unit tests
 * (`promtool test rules`), and every Grafana query is valid PromQL over metrics createMetrics
 * really exports.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics, type Metrics } from '../../src/telemetry/create-metrics.js';
import { findPromtool, PROMTOOL_MISSING, runPromtool } from './promtool.js';

const DEPLOY = new URL('../../deploy/', import.meta.url).pathname;
const RULES = join(DEPLOY, 'prometheus/liter-llm-rules.yaml');
const RULES_TESTS = join(DEPLOY, 'prometheus/liter-llm-rules.test.yaml');
const promtool = findPromtool();

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: { expr: string; refId: string }[];
}
const dashboard = JSON.parse(readFileSync(join(DEPLOY, 'grafana/liter-llm-dashboard.json'), 'utf8')) as {
  uid: string;
  panels: Panel[];
  templating: { list: { name: string }[] };
};
const expressions = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));

let metrics: Metrics;
let exported: Set<string>;
let scratch: string;

beforeAll(async () => {
  metrics = createMetrics();
  exported = new Set();
  for (const metric of await metrics.registry.getMetricsAsJSON()) {
    exported.add(metric.name);
    if (String(metric.type) === 'histogram')
      for (const suffix of ['_bucket', '_sum', '_count']) exported.add(`${metric.name}${suffix}`);
  }
  scratch = mkdtempSync(join(tmpdir(), 'liter-llm-deploy-'));
});

afterAll(() => {
  metrics.unsubscribe();
  rmSync(scratch, { recursive: true, force: true });
});

function metricNamesIn(expression: string): string[] {
  // Recording-rule names (level:metric:operation) are not exported metrics; skip them.
  return [...expression.matchAll(/(?<![:\w])((?:liter_llm|process|nodejs)_[a-z0-9_]+)(?![:\w])/g)].map((match) => match[1]!);
}

describe('Prometheus rules', () => {
  it('pass promtool check rules', (context) => {
    if (!promtool) return context.skip(PROMTOOL_MISSING);
    const result = runPromtool(promtool, ['check', 'rules', RULES]);
    expect(result.output).toContain('SUCCESS: 10 rules found');
    expect(result.status).toBe(0);
  });

  it('fire on the traffic they are for and stay quiet otherwise (promtool test rules)', (context) => {
    if (!promtool) return context.skip(PROMTOOL_MISSING);
    const result = runPromtool(promtool, ['test', 'rules', RULES_TESTS]);
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it('only query metrics the library exports', () => {
    const names = metricNamesIn(readFileSync(RULES, 'utf8'));
    expect(names.length).toBeGreaterThan(5);
    for (const name of names) expect(exported, name).toContain(name);
  });
});

describe('Grafana dashboard', () => {
  it('has the panels operators need', () => {
    expect(dashboard.uid).toBe('liter-llm');
    expect(dashboard.templating.list.map((variable) => variable.name)).toEqual(['datasource', 'provider']);
    const titles = dashboard.panels.map((panel) => panel.title);
    for (const title of [
      'Request rate by provider and model',
      'Error rate by type',
      'Latency heatmap',
      'Latency p50 / p99',
      'Time to first token p50 / p99 (streams)',
      'Tokens per minute',
      'In-flight vs max_concurrency',
      'Rate-limit rejections and retries per minute',
    ]) {
      expect(titles).toContain(title);
    }
    expect(new Set(dashboard.panels.map((panel) => panel.id)).size).toBe(dashboard.panels.length);
  });

  it('lays panels out without overlaps', () => {
    const cells = new Set<string>();
    for (const panel of dashboard.panels) {
      const { x, y, w, h } = panel.gridPos;
      expect(x + w, panel.title).toBeLessThanOrEqual(24);
      for (let column = x; column < x + w; column++) {
        for (let line = y; line < y + h; line++) {
          const cell = `${column},${line}`;
          expect(cells.has(cell), `${panel.title} overlaps at ${cell}`).toBe(false);
          cells.add(cell);
        }
      }
    }
  });

  it('queries only exported metrics', () => {
    for (const expression of expressions) {
      const names = metricNamesIn(expression);
      expect(names.length, expression).toBeGreaterThan(0);
      for (const name of names) expect(exported, `${name} in ${expression}`).toContain(name);
    }
  });

  it('writes valid PromQL (checked by promtool as recording rules)', (context) => {
    if (!promtool) return context.skip(PROMTOOL_MISSING);
    const rules = expressions.map((expression, index) => {
      const promQL = expression.replaceAll('$__rate_interval', '5m').replaceAll('$provider', '.*');
      return `      - record: dashboard:query_${index}\n        expr: ${JSON.stringify(promQL)}`;
    });
    const file = join(scratch, 'dashboard-queries.yaml');
    writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules.join('\n')}\n`);
    const result = runPromtool(promtool, ['check', 'rules', file]);
    expect(result.output).toContain(`SUCCESS: ${expressions.length} rules found`);
    expect(result.status).toBe(0);
  });
});
