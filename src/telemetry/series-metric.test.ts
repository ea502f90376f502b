import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { SeriesMetric } from './series-metric.js';

describe('SeriesMetric on a prom-client Registry', () => {
  it('exposes counters and cumulative histogram buckets in the text format', async () => {
    const registry = new Registry();
    const requests = new SeriesMetric({
      name: 'x_requests_total',
      help: 'Requests.',
      type: 'counter',
      labelNames: ['provider', 'status'],
      registers: [registry],
    });
    const latency = new SeriesMetric({
      name: 'x_latency_seconds',
      help: 'Latency.',
      type: 'histogram',
      labelNames: ['provider'],
      buckets: [0.1, 1],
      registers: [registry],
    });
    requests.series('openai', 'ok').value += 2;
    requests.series('openai', 'timeout').value++;
    requests.series('openai', 'ok').value++;
    for (const seconds of [0.05, 0.1, 0.5, 3]) latency.observe(latency.series('openai'), seconds);
    expect(await registry.metrics()).toBe(
      [
        '# HELP x_requests_total Requests.',
        '# TYPE x_requests_total counter',
        'x_requests_total{provider="openai",status="ok"} 3',
        'x_requests_total{provider="openai",status="timeout"} 1',
        '',
        '# HELP x_latency_seconds Latency.',
        '# TYPE x_latency_seconds histogram',
        'x_latency_seconds_bucket{provider="openai",le="0.1"} 2',
        'x_latency_seconds_bucket{provider="openai",le="1"} 3',
        'x_latency_seconds_bucket{provider="openai",le="+Inf"} 4',
        'x_latency_seconds_sum{provider="openai"} 3.65',
        'x_latency_seconds_count{provider="openai"} 4',
        '',
      ].join('\n'),
    );
  });

  it('runs the collect hook before each scrape and forgets series on reset', async () => {
    const registry = new Registry();
    let providers = ['a', 'b'];
    new SeriesMetric({
      name: 'x_limit',
      help: 'Limit.',
      type: 'gauge',
      labelNames: ['provider'],
      registers: [registry],
      collect(metric) {
        metric.reset();
        for (const provider of providers) metric.series(provider).value = 5;
      },
    });
    expect(await registry.metrics()).toContain('x_limit{provider="a"} 5\nx_limit{provider="b"} 5');
    providers = ['b'];
    const text = await registry.metrics();
    expect(text).not.toContain('provider="a"');
    expect(text).toContain('x_limit{provider="b"} 5');
  });

  it('refuses a second metric of the same name in one registry, as prom-client does', () => {
    const registry = new Registry();
    new SeriesMetric({ name: 'x_total', help: 'X.', type: 'counter', labelNames: [], registers: [registry] });
    expect(
      () => new SeriesMetric({ name: 'x_total', help: 'X.', type: 'counter', labelNames: [], registers: [registry] }),
    ).toThrow('A metric with the name x_total has already been registered.');
  });
});
