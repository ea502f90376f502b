// node summarize.mjs results.jsonl: median, min and max CPU µs per request for each variant.
import { readFileSync } from 'node:fs';
const runs = readFileSync(process.argv[2], 'utf8').split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
const groups = Map.groupBy ? Map.groupBy(runs, (run) => run.variant) : runs.reduce((map, run) => map.set(run.variant, [...(map.get(run.variant) ?? []), run]), new Map());
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
for (const [variant, group] of groups) {
  const cpu = group.map((run) => run.cpuMicrosPerRequest);
  console.log(`${variant.padEnd(32)} runs ${group.length}  CPU µs/request median ${median(cpu)} (min ${Math.min(...cpu)}, max ${Math.max(...cpu)})  req/s median ${median(group.map((run) => run.requestsPerSecond))}`);
}
