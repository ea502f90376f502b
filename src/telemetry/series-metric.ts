import type { Metric, Registry } from 'prom-client';

export type SeriesMetricType = 'counter' | 'gauge' | 'histogram';

/** One labelled series: update `value` (counters, gauges) or call `observe` (histograms). */
export interface Series {
  readonly labels: Readonly<Record<string, string>>;
  value: number;
  /** Histograms: observations per bucket (not cumulative; the last slot is +Inf), and their sum. */
  readonly bucketCounts: number[];
  sum: number;
}

/** What the Registry reads at scrape time (prom-client's JSON shape of a metric). */
export interface SeriesMetricSnapshot {
  name: string;
  help: string;
  type: SeriesMetricType;
  aggregator: 'sum';
  values: { labels: Record<string, string | number>; value: number; metricName?: string }[];
}

export interface SeriesMetricOptions {
  name: string;
  help: string;
  type: SeriesMetricType;
  labelNames: readonly string[];
  /** Histograms: upper bounds, ascending. */
  buckets?: readonly number[];
  /** Runs before every scrape (gauges read from elsewhere). */
  collect?: (metric: SeriesMetric) => void;
  registers: Registry[];
}

/**
 * A metric family for the request hot path. prom-client's Counter/Histogram validate and hash the
 * label object on every update (about a microsecond each, several per call); here the caller
 * looks a series up by its label values (one Map lookup on a joined key) and updates plain
 * numbers, and the prom-client shape is built only when Prometheus scrapes. It registers on a
 * prom-client Registry like any metric (the Registry reads `name`, `type`, `get()`, `reset()`),
 * so the exposition format, default metrics and `registry.metrics()` stay prom-client's.
 */
export class SeriesMetric {
  readonly name: string;
  readonly help: string;
  readonly type: SeriesMetricType;
  readonly aggregator = 'sum';
  private readonly labelNames: readonly string[];
  private readonly bounds: readonly number[];
  private readonly collectHook: ((metric: SeriesMetric) => void) | undefined;
  private readonly all = new Map<string, Series>();

  constructor(options: SeriesMetricOptions) {
    this.name = options.name;
    this.help = options.help;
    this.type = options.type;
    this.labelNames = options.labelNames;
    this.bounds = options.buckets ?? [];
    this.collectHook = options.collect;
    // The Registry is duck-typed: it reads name/type/help and calls get() and reset().
    for (const registry of options.registers) registry.registerMetric(this as unknown as Metric);
  }

  /** The series for these label values (in labelNames order), created on first use. */
  series(...labelValues: string[]): Series {
    const key = labelValues.length === 1 ? labelValues[0]! : labelValues.join('\u0000');
    let found = this.all.get(key);
    if (found === undefined) {
      const labels: Record<string, string> = {};
      for (let index = 0; index < this.labelNames.length; index++) labels[this.labelNames[index]!] = labelValues[index] ?? '';
      found = {
        labels,
        value: 0,
        bucketCounts: this.type === 'histogram' ? new Array<number>(this.bounds.length + 1).fill(0) : [],
        sum: 0,
      };
      this.all.set(key, found);
    }
    return found;
  }

  /** Histograms: counts one observation. */
  observe(series: Series, value: number): void {
    const bounds = this.bounds;
    let index = 0;
    while (index < bounds.length && value > bounds[index]!) index++;
    series.bucketCounts[index]!++;
    series.sum += value;
    series.value++;
  }

  /** Forgets every series (gauges that mirror a changing set, such as the configured providers). */
  reset(): void {
    this.all.clear();
  }

  get(): Promise<SeriesMetricSnapshot> {
    this.collectHook?.(this);
    const values: SeriesMetricSnapshot['values'] = [];
    for (const series of this.all.values()) {
      if (this.type !== 'histogram') {
        values.push({ labels: series.labels, value: series.value });
        continue;
      }
      let cumulative = 0;
      for (let index = 0; index <= this.bounds.length; index++) {
        cumulative += series.bucketCounts[index]!;
        const le = index < this.bounds.length ? this.bounds[index]! : '+Inf';
        values.push({ labels: { ...series.labels, le }, value: cumulative, metricName: `${this.name}_bucket` });
      }
      values.push({ labels: series.labels, value: series.sum, metricName: `${this.name}_sum` });
      values.push({ labels: series.labels, value: series.value, metricName: `${this.name}_count` });
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator });
  }
}
