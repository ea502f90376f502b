#!/usr/bin/env node
// Closed-loop HTTP/1.1 load generator: N keep-alive connections, each sending its next request as
// soon as the previous response has ended. Written on raw sockets (not undici, not autocannon) for
// two reasons: it shares a core with the upstream, so each request must cost it as little CPU as
// possible; and for SSE it must see the first content token arrive (TTFT), which autocannon and wrk
// do not report. It understands exactly what it needs: content-length and chunked bodies.
//
// Runs as a child of run-gateway-bench.mjs: one JSON spec in argv[2], one JSON result on stdout.
// Spec: { host, port, path, headers, body, stream, concurrency, warmupMs, durationMs, drainMs, ratePerSecond? }
// Only responses that END inside the measuring window [warmup, warmup + duration] are counted.
//
// With `ratePerSecond` the load is open: requests arrive at that mean rate with exponential gaps
// (a Poisson process, as from many independent clients), each on an idle connection of the
// `concurrency` open ones. A request that waited for a free connection is charged the wait (its
// latency counts from its arrival: no coordinated omission); `delayed` counts those.
import net from 'node:net';
import { performance } from 'node:perf_hooks';

const spec = JSON.parse(process.argv[2]);
const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
// A content delta that is not empty: the first token of the answer.
const FIRST_TOKEN = /"content"\s*:\s*"[^"]/;

function createRequestBytes() {
  const body = Buffer.from(JSON.stringify(spec.body));
  const lines = [`POST ${spec.path} HTTP/1.1`, `host: ${spec.host}:${spec.port}`, 'connection: keep-alive'];
  for (const [name, value] of Object.entries(spec.headers)) lines.push(`${name}: ${value}`);
  lines.push('content-type: application/json', `content-length: ${body.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), body]);
}

const requestBytes = createRequestBytes();
// The clock starts once every connection is open: a burst of connects is not what is measured.
let startedAt = Infinity;
let measureFrom = Infinity;
let measureUntil = Infinity;

const latencies = [];
const ttfts = [];
const statusCounts = {};
let errors = 0;
let completedInWindow = 0;
let invalid = 0;
const errorSamples = [];
const invalidSamples = [];
let stopping = false;
let active = 0;
let delayed = 0;

function noteError(message) {
  errors += 1;
  if (errorSamples.length < 5) errorSamples.push(message);
}

/** Checks one whole response body (the first one on each connection): it must be the real answer. */
function validateBody(text) {
  if (!spec.stream) {
    const parsed = JSON.parse(text);
    const content = parsed.choices?.[0]?.message?.content;
    if (typeof content !== 'string' || !content.startsWith('The quick brown fox')) {
      throw new Error(`unexpected completion: ${text.slice(0, 200)}`);
    }
    return;
  }
  let content = '';
  let done = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith('data:')) continue;
    const data = line.slice(5).trim();
    if (data === '[DONE]') {
      done = true;
      continue;
    }
    const chunk = JSON.parse(data);
    content += chunk.choices?.[0]?.delta?.content ?? '';
  }
  if (!done || !content.startsWith('The quick brown fox')) {
    throw new Error(`unexpected stream (done=${done}): ${JSON.stringify(content).slice(0, 200)}`);
  }
}

class Connection {
  constructor() {
    this.socket = null;
    this.validated = false;
    this.reset();
  }

  reset() {
    this.headerParts = [];
    this.inBody = false;
    this.status = 0;
    this.chunked = false;
    this.remaining = 0; // content-length bytes left, or bytes left in the current chunk
    this.chunkState = 'size'; // size | data | data-crlf | trailer
    this.sizeLine = '';
    this.sentAt = 0;
    this.waited = false;
    this.firstTokenAt = 0;
    this.tokenTail = ''; // the end of the body seen so far, so a token split across reads is found
    this.bodyParts = this.validated ? null : [];
  }

  open() {
    active += 1;
    this.socket = net.connect({ host: spec.host, port: spec.port, noDelay: true });
    this.socket.on('connect', () => onConnected(this));
    this.socket.on('data', (data) => this.onData(data));
    this.socket.on('error', (error) => noteError(`${error.code ?? ''} ${error.message}`));
    this.socket.on('close', () => this.onClose());
  }

  send(arrivedAt = performance.now(), waited = false) {
    if (stopping || performance.now() >= measureUntil) {
      this.finish();
      return;
    }
    this.reset();
    this.sentAt = arrivedAt;
    this.waited = waited;
    this.socket.write(requestBytes);
  }

  finish() {
    if (this.socket && !this.socket.destroyed) this.socket.destroy();
  }

  onClose() {
    active -= 1;
    if (!stopping && performance.now() < measureUntil) {
      // The server closed a keep-alive connection mid-run: count it when a request was lost, reconnect.
      if (this.sentAt !== 0) noteError('connection closed by server');
      this.sentAt = 0;
      this.validated = false;
      this.open();
      return;
    }
    if (active === 0) report();
  }

  onData(data) {
    let offset = 0;
    if (!this.inBody) {
      this.headerParts.push(data);
      const head = this.headerParts.length === 1 ? data : Buffer.concat(this.headerParts);
      const end = head.indexOf(HEADER_END);
      if (end === -1) return;
      this.parseHead(head.toString('latin1', 0, end));
      this.inBody = true;
      data = head;
      offset = end + 4;
      if (!this.chunked && this.remaining === 0) {
        this.complete();
        return;
      }
    }
    if (this.chunked) this.readChunked(data, offset);
    else this.readFixed(data, offset);
  }

  parseHead(head) {
    const lines = head.split('\r\n');
    this.status = Number(lines[0].slice(9, 12));
    for (let index = 1; index < lines.length; index += 1) {
      const line = lines[index];
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      if (name === 'content-length') this.remaining = Number(line.slice(colon + 1).trim());
      else if (name === 'transfer-encoding')
        this.chunked = line
          .slice(colon + 1)
          .toLowerCase()
          .includes('chunked');
    }
  }

  onBodyBytes(data, start, end) {
    if (end <= start) return;
    if (this.bodyParts) this.bodyParts.push(data.subarray(start, end));
    if (spec.stream && this.firstTokenAt === 0) {
      const text = this.tokenTail + data.toString('utf8', start, end);
      if (FIRST_TOKEN.test(text)) this.firstTokenAt = performance.now();
      else this.tokenTail = text.slice(-32);
    }
  }

  readFixed(data, offset) {
    const take = Math.min(this.remaining, data.length - offset);
    this.onBodyBytes(data, offset, offset + take);
    this.remaining -= take;
    if (this.remaining === 0) this.complete();
  }

  readChunked(data, offset) {
    while (offset < data.length) {
      if (this.chunkState === 'size') {
        const lineEnd = data.indexOf(CRLF, offset);
        if (lineEnd === -1) {
          this.sizeLine += data.toString('latin1', offset);
          return;
        }
        this.sizeLine += data.toString('latin1', offset, lineEnd);
        offset = lineEnd + 2;
        this.remaining = parseInt(this.sizeLine, 16);
        this.sizeLine = '';
        this.chunkState = this.remaining === 0 ? 'trailer' : 'data';
      } else if (this.chunkState === 'data') {
        const take = Math.min(this.remaining, data.length - offset);
        this.onBodyBytes(data, offset, offset + take);
        offset += take;
        this.remaining -= take;
        if (this.remaining === 0) this.chunkState = 'data-crlf';
      } else if (this.chunkState === 'data-crlf') {
        // The CRLF after a chunk's data may itself be split across reads.
        const take = Math.min(2 - this.remaining, data.length - offset);
        offset += take;
        this.remaining += take;
        if (this.remaining === 2) {
          this.remaining = 0;
          this.chunkState = 'size';
        }
      } else {
        // Trailer section: ends with an empty line (no trailers are ever sent here).
        this.sizeLine += data.toString('latin1', offset);
        offset = data.length;
        if (this.sizeLine.endsWith('\r\n')) {
          this.sizeLine = '';
          this.complete();
          return;
        }
      }
    }
  }

  complete() {
    const now = performance.now();
    const status = this.status;
    statusCounts[status] = (statusCounts[status] ?? 0) + 1;
    let ok = status === 200;
    if (ok && this.bodyParts) {
      try {
        validateBody(Buffer.concat(this.bodyParts).toString('utf8'));
        this.validated = true;
      } catch (error) {
        ok = false;
        invalid += 1;
        if (invalidSamples.length < 3) invalidSamples.push(error.message);
      }
    } else if (!ok && invalidSamples.length < 3 && this.bodyParts) {
      invalidSamples.push(`status ${status}: ${Buffer.concat(this.bodyParts).toString('utf8').slice(0, 300)}`);
    }
    if (ok && spec.stream && this.firstTokenAt === 0) {
      ok = false;
      invalid += 1;
    }
    // Throughput counts every response that ends inside the window; latency is sampled from the
    // requests that were also sent inside it (none of them waited behind the warm-up).
    if (ok && now >= measureFrom && now <= measureUntil) completedInWindow += 1;
    if (ok && this.sentAt >= measureFrom && now <= measureUntil) {
      latencies.push(now - this.sentAt);
      // Counted over the same requests as the latencies, so it is a share of them.
      if (this.waited) delayed += 1;
      if (process.env.BENCH_DEBUG && now - this.sentAt > 300)
        process.stderr.write(
          `slow ${(this.sentAt - startedAt).toFixed(0)} ${(now - this.sentAt).toFixed(0)} ttft ${(this.firstTokenAt - this.sentAt).toFixed(0)}\n`,
        );
      if (spec.stream) ttfts.push(this.firstTokenAt - this.sentAt);
    }
    this.sentAt = 0;
    this.inBody = false;
    if (pacer) pacer.release(this);
    else this.send();
  }
}

/**
 * Open-loop arrivals for `ratePerSecond`: a timer releases the requests that are due onto idle
 * connections; one that finds none waits in `due` (and its wait counts in its latency).
 */
class Pacer {
  constructor(rate, connections) {
    this.meanGapMs = 1000 / rate;
    this.idle = [...connections];
    this.due = [];
    this.nextArrival = 0;
    // A fixed seed: every path in a run sees the same arrival pattern.
    this.seed = 0x9e3779b9;
  }

  random() {
    // mulberry32
    this.seed = (this.seed + 0x6d2b79f5) | 0;
    let t = this.seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  start(at) {
    this.nextArrival = at;
    this.tick();
  }

  tick() {
    const now = performance.now();
    if (stopping || now >= measureUntil) {
      for (const connection of this.idle) connection.finish();
      this.idle = [];
      return;
    }
    while (this.nextArrival <= now) {
      this.due.push(this.nextArrival);
      this.nextArrival += -Math.log(1 - this.random()) * this.meanGapMs;
    }
    this.dispatch();
    setTimeout(() => this.tick(), Math.max(0, this.nextArrival - performance.now()));
  }

  /**
   * Sends what is due on idle connections. From the timer, latency counts from the send (the
   * timer's own lateness is not the target's); a request that found every connection busy and is
   * sent when one frees up (`fromRelease`) is charged from its arrival, wait included.
   */
  dispatch(fromRelease = false) {
    while (this.due.length > 0 && this.idle.length > 0) {
      const arrivedAt = this.due.shift();
      this.idle.pop().send(fromRelease ? arrivedAt : performance.now(), fromRelease);
    }
  }

  release(connection) {
    if (stopping || performance.now() >= measureUntil) {
      connection.finish();
      return;
    }
    this.idle.push(connection);
    this.dispatch(true);
  }
}

let pacer = null;

function summarize(values) {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const at = (quantile) => sorted[Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)];
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: sorted[sorted.length - 1],
    mean: sum / sorted.length,
  };
}

let reported = false;
function report() {
  if (reported) return;
  reported = true;
  clearTimeout(drainTimer);
  const result = {
    requests: completedInWindow,
    samples: latencies.length,
    throughput: completedInWindow / (spec.durationMs / 1000),
    latencyMs: summarize(latencies),
    ttftMs: spec.stream ? summarize(ttfts) : null,
    statusCounts,
    errors,
    invalid,
    errorSamples,
    invalidSamples,
    // Open loop: the sampled requests (those of the latencies) that found every connection busy.
    ...(spec.ratePerSecond && { delayed }),
    // Its own CPU, so the orchestrator can tell how busy the machine was with anything else.
    cpuMicros: ((usage) => usage.user + usage.system)(process.cpuUsage()),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

let drainTimer;
let connected = 0;
function onConnected(connection) {
  if (startedAt !== Infinity) {
    // A reconnect during the run.
    if (pacer) pacer.release(connection);
    else connection.send();
    return;
  }
  connected += 1;
  if (connected < spec.concurrency) return;
  startedAt = performance.now();
  measureFrom = startedAt + spec.warmupMs;
  measureUntil = measureFrom + spec.durationMs;
  // Connections stop on their own after the window; whatever is still in flight gets drainMs to end.
  drainTimer = setTimeout(
    () => {
      stopping = true;
      for (const other of connections) other.finish();
      setTimeout(report, 100);
    },
    spec.warmupMs + spec.durationMs + spec.drainMs,
  );
  if (spec.ratePerSecond) {
    pacer = new Pacer(spec.ratePerSecond, connections);
    pacer.start(startedAt);
  } else {
    for (const other of connections) other.send();
  }
}

// Nothing may hang: a target that never accepts all connections ends the run with what it has.
setTimeout(() => {
  if (startedAt !== Infinity) return;
  noteError(`only ${connected} of ${spec.concurrency} connections opened within ${spec.connectTimeoutMs ?? 10_000} ms`);
  stopping = true;
  for (const connection of connections) connection.finish();
  setTimeout(report, 100);
}, spec.connectTimeoutMs ?? 10_000).unref();

const connections = [];
for (let index = 0; index < spec.concurrency; index += 1) {
  const connection = new Connection();
  connections.push(connection);
  connection.open();
}
