// The bindings benchmark's markdown report: one table per concurrency (the median of the rounds,
// each row against its baseline), the targets of issue 13 section 7, start-up costs and the machine.

const DISTURBED_SHARE = 0.2; // other processes' CPU above 20% of one core marks a row ⚑

function median(values) {
  const sorted = values.filter((value) => value !== null && Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const whole = (value) => (value === null ? '—' : Math.round(value).toLocaleString('en-US'));
const ratio = (value) => (value === null ? '—' : `${value.toFixed(2)}×`);
const milliseconds = (value) => (value === null || value === undefined ? '—' : `${value.toFixed(1)} ms`);

/** The medians of one row at one concurrency over the rounds. */
export function summarizeRow(cells) {
  const rounds = cells.map((cell) => {
    const cpu = cell.cpuMicros === null ? null : cell.cpuMicros + (cell.gatewayCPUMicros ?? 0);
    const ours = (cell.cpuMicros ?? 0) + (cell.gatewayCPUMicros ?? 0) + (cell.upstreamCPUMicros ?? 0);
    return {
      callsPerSecond: cell.calls / cell.seconds,
      cpuPerCall: cpu === null || cell.calls === 0 ? null : cpu / cell.calls,
      // The engine's (a stdio binding's child) or the gateway's part of it.
      behindPerCall:
        cell.calls === 0 || cell.childCPUMicros === null || cell.childCPUMicros === undefined
          ? null
          : (cell.childCPUMicros + (cell.gatewayCPUMicros ?? 0)) / cell.calls,
      p50: cell.latencyUs?.p50 ?? null,
      otherShare: cell.machineBusyMicros === null ? null : Math.max(0, cell.machineBusyMicros - ours) / (cell.seconds * 1e6),
      errors: cell.errors,
      firstError: cell.firstError,
    };
  });
  const callsPerSecond = median(rounds.map((round) => round.callsPerSecond));
  return {
    rounds: rounds.length,
    callsPerSecond,
    microsPerCall: callsPerSecond ? 1e6 / callsPerSecond : null,
    cpuPerCall: median(rounds.map((round) => round.cpuPerCall)),
    behindPerCall: median(rounds.map((round) => round.behindPerCall)),
    p50: median(rounds.map((round) => round.p50)),
    otherShare: median(rounds.map((round) => round.otherShare)),
    errors: rounds.reduce((sum, round) => sum + round.errors, 0),
    firstError: rounds.find((round) => round.firstError)?.firstError ?? null,
  };
}

/** Every row's summary, keyed `${id}@${concurrency}`. */
export function summarizeRun(recorded) {
  const summaries = new Map();
  for (const concurrency of recorded.plan.concurrencies) {
    for (const id of recorded.plan.targets) {
      const cells = recorded.cells.filter((cell) => cell.id === id && cell.concurrency === concurrency);
      if (cells.length > 0) summaries.set(`${id}@${concurrency}`, summarizeRow(cells));
    }
  }
  return summaries;
}

function against(summaries, target, concurrency, field) {
  if (!target.baseline) return null;
  const row = summaries.get(`${target.id}@${concurrency}`);
  const base = summaries.get(`${target.baseline}@${concurrency}`);
  if (!row || !base || row[field] === null || base[field] === null || base[field] === 0) return null;
  return row[field] / base[field];
}

function formatTables(recorded, targets, summaries) {
  const byId = new Map(targets.map((target) => [target.id, target]));
  const lines = [];
  for (const concurrency of recorded.plan.concurrencies) {
    lines.push(
      `#### Concurrency ${concurrency}`,
      '',
      '| row | calls/s | µs per call | vs baseline | p50 µs | CPU µs per call | of which engine or gateway | CPU vs baseline | baseline |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    );
    for (const id of recorded.plan.targets) {
      const target = byId.get(id);
      const baseline = target.baseline ? byId.get(target.baseline).label.split(':')[0] : '(baseline)';
      const row = summaries.get(`${id}@${concurrency}`);
      if (!row) {
        // The reason is listed under the tables ("Not available in this run").
        lines.push(
          `| ${target.label} | ${recorded.unavailable[id] ? 'not available' : 'not measured'} | | | | | | ${baseline} |`,
        );
        continue;
      }
      const flag = row.otherShare !== null && row.otherShare > DISTURBED_SHARE ? ' ⚑' : '';
      const errors = row.errors ? ` (${row.errors} errors)` : '';
      lines.push(
        `| ${target.label}${flag} | ${whole(row.callsPerSecond)}${errors} | ${whole(row.microsPerCall)} | ${ratio(against(summaries, target, concurrency, 'microsPerCall'))} | ${whole(row.p50)} | ${whole(row.cpuPerCall)} | ${target.endpoint === 'upstream' ? '—' : whole(row.behindPerCall)} | ${ratio(against(summaries, target, concurrency, 'cpuPerCall'))} | ${baseline} |`,
      );
    }
    lines.push('');
  }
  return lines;
}

function formatTargets(recorded, targets, summaries) {
  const byId = new Map(targets.map((target) => [target.id, target]));
  const lines = ['#### Targets (issue 13, section 7)', ''];
  const pythonRows = ['python-stdio', 'python-stdio-async'].filter((id) => recorded.plan.targets.includes(id));
  for (const id of pythonRows) {
    const target = byId.get(id);
    const cells = recorded.plan.concurrencies.map((concurrency) => ({
      concurrency,
      value: against(summaries, target, concurrency, 'microsPerCall'),
    }));
    const known = cells.filter((cell) => cell.value !== null);
    const verdict =
      known.length === 0
        ? 'not measured'
        : known.length === cells.length && known.every((cell) => cell.value <= 1)
          ? '**met**'
          : '**missed**';
    const detail = cells.map((cell) => `c=${cell.concurrency} ${ratio(cell.value)}`).join(', ');
    const why =
      known.length === 0 ? ` (${recorded.unavailable[id] ?? recorded.unavailable[target.baseline] ?? 'no figures'})` : '';
    lines.push(
      `- ${target.label} costs no more per call than ${byId.get(target.baseline).label}, at every concurrency: ${verdict}${why}; µs per call against it: ${detail}`,
    );
  }
  if (recorded.plan.targets.includes('go-stdio')) {
    const first = recorded.plan.concurrencies.includes(1) ? 1 : null;
    const row = first && summaries.get(`go-stdio@1`);
    const base = first && summaries.get(`go-nethttp@1`);
    if (row && base) {
      const added = row.microsPerCall - base.microsPerCall;
      lines.push(
        `- Go stdio adds at most 50 µs per call over net/http direct at c=1: ${added <= 50 ? '**met**' : '**missed**'} (+${Math.round(added)} µs: ${whole(row.microsPerCall)} against ${whole(base.microsPerCall)})`,
      );
    } else {
      lines.push(
        `- Go stdio adds at most 50 µs per call over net/http direct at c=1: not measured (${recorded.unavailable['go-stdio'] ?? recorded.unavailable['go-nethttp'] ?? 'c=1 not in this run'})`,
      );
    }
  }
  const importTime = recorded.startup?.importLiterLLM;
  if (importTime) {
    const ms = importTime.cumulativeUs / 1000;
    const fastest = importTime.fastestUs === undefined ? '' : `, fastest ${(importTime.fastestUs / 1000).toFixed(1)} ms`;
    const openai = recorded.startup.importOpenAI
      ? `; \`import openai\` ${(recorded.startup.importOpenAI.cumulativeUs / 1000).toFixed(1)} ms`
      : '';
    lines.push(
      `- \`import liter_llm\` under 100 ms: ${ms < 100 ? '**met**' : '**missed**'} (median ${ms.toFixed(1)} ms${fastest} of ${importTime.runs} fresh interpreters, \`python -X importtime\`${openai})`,
    );
  } else {
    lines.push(`- \`import liter_llm\` under 100 ms: not measured (${recorded.startup?.importUnavailable})`);
  }
  lines.push('');
  return lines;
}

function formatStartup(recorded) {
  const startup = recorded.startup ?? {};
  const lines = ['#### The engine executable', ''];
  const binary = startup.engineBinary;
  const node = startup.engineNode;
  if (binary) {
    const mb = (bytes) => `${(bytes / 1_048_576).toFixed(1)} MB`;
    lines.push(
      `\`dist/bin/liter-llm\`: ${mb(binary.fileBytes)} (all of \`dist/bin/\`: ${mb(binary.directoryBytes)}); \`--version\` ${milliseconds(binary.versionMs)}, ` +
        `\`engine --stdio\` to its answer to \`initialize\` ${milliseconds(binary.initializeMs)} (median of ${binary.runs} starts).`,
    );
  } else {
    lines.push(`\`dist/bin/liter-llm\`: not available (${startup.engineBinaryUnavailable ?? 'not measured'}).`);
  }
  if (node) {
    lines.push(
      '',
      `For comparison, \`node dist/cli/main.js\`: \`--version\` ${milliseconds(node.versionMs)}, \`engine --stdio\` to \`initialize\` ${milliseconds(node.initializeMs)}.`,
    );
  }
  lines.push('');
  return lines;
}

function formatMachine(recorded) {
  const machine = recorded.machine;
  const info = recorded.info ?? {};
  const versions = [
    info['openai-sync']?.version && `openai ${info['openai-sync'].version}`,
    info['pypi-liter-llm']?.version && `public index liter-llm ${info['pypi-liter-llm'].version}`,
    machine.python,
    machine.go,
    `Node ${machine.node}`,
  ].filter(Boolean);
  const engine = info['python-stdio']?.engine ?? info['python-stdio-async']?.engine;
  return [
    `Run ${machine.date} at ${machine.commit}, \`${recorded.command}\`: ${recorded.plan.rounds} rounds of ${recorded.plan.durationMs} ms per cell ` +
      `(after a ${recorded.plan.warmupMs} ms warm-up at the cell's concurrency; every client warmed up once before the first round), median of the rounds. ` +
      `${machine.cpus} cores (${machine.cpuModel}), shared with other work; ⚑ marks a row during which other processes used more than ${DISTURBED_SHARE * 100}% of a core. ` +
      `${versions.join(', ')}.${engine ? ` The Python binding's engine: \`${engine}\`.` : ''}`,
    '',
  ];
}

export function formatBindingsReport(recorded, targets) {
  const summaries = summarizeRun(recorded);
  const errors = [...summaries]
    .filter(([, row]) => row.errors > 0)
    .map(([key, row]) => `- ${key}: ${row.errors} failed calls, first: ${row.firstError}`);
  const unavailable = Object.entries(recorded.unavailable ?? {}).map(([id, why]) => `- ${id}: not available (${why})`);
  return [
    ...formatMachine(recorded),
    ...formatTables(recorded, targets, summaries),
    ...(unavailable.length ? ['Not available in this run:', '', ...unavailable, ''] : []),
    ...(errors.length ? ['Failed calls:', '', ...errors, ''] : []),
    ...formatTargets(recorded, targets, summaries),
    ...formatStartup(recorded),
  ].join('\n');
}
