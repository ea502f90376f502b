// A process with ~20 MB of live objects that keeps promoting garbage: objects that survive a few
// scavenges, then die (what a busy gateway does with the requests in flight). Prints the old
// space's peak size. argv[2]: the URL of cap-heap-growth.js to apply first, or "none".
import { getHeapSpaceStatistics } from 'node:v8';

const capModule = process.argv[2];
const capped = capModule !== 'none' && (await import(capModule)).capHeapGrowth();

const live = [];
for (let i = 0; i < 200_000; i++) live.push({ i, text: `${'x'.repeat(50)}${i}` });

let peak = 0;
const inFlight = [];
for (let round = 0; round < 3_000; round++) {
  const batch = [];
  for (let i = 0; i < 1_000; i++) batch.push({ round, i, text: `${'y'.repeat(40)}${i}` });
  inFlight.push(batch);
  if (inFlight.length > 50) inFlight.shift();
  const oldSpace = getHeapSpaceStatistics().find((space) => space.space_name === 'old_space');
  peak = Math.max(peak, oldSpace?.space_size ?? 0);
}

process.stdout.write(JSON.stringify({ capped, peakOldSpaceMB: Math.round(peak / 1048576), live: live.length }));
