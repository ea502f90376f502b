// Preloaded into a gateway under test (`node --import ./bench/lib/profile-on-signal.mjs ...`) by
// `run-gateway-bench.mjs --cpu-prof`: SIGUSR2 starts the V8 CPU profiler, the next SIGUSR2 stops it and
// writes BENCH_PROFILE_DIR/<pid>-<n>.cpuprofile, then prints its path. So a profile covers exactly one
// measured cell, not start-up, and works for gateways that do not exit through process.exit()
// (`node --cpu-prof` writes nothing when a signal ends the process).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';

const directory = process.env.BENCH_PROFILE_DIR;
const session = new Session();
session.connect();
let running = false;
let count = 0;

function post(method, params) {
  return new Promise((resolve, reject) => {
    session.post(method, params, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

process.on('SIGUSR2', async () => {
  try {
    if (!running) {
      running = true;
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 500 });
      await post('Profiler.start');
      return;
    }
    running = false;
    const { profile } = await post('Profiler.stop');
    count += 1;
    const file = path.join(directory, `${process.pid}-${count}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    process.stderr.write(`[profile-on-signal] wrote ${file}\n`);
  } catch (error) {
    process.stderr.write(`[profile-on-signal] ${error.message}\n`);
  }
});
