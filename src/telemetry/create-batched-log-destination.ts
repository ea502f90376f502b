import { writeSync } from 'node:fs';

export interface BatchedLogDestinationOptions {
  /** Lines are gathered until about this many bytes wait, then written in one system call. */
  bufferBytes: number;
  /** Longest a line waits before the timer writes it. */
  flushIntervalMs: number;
  /** Past this many waiting bytes (the descriptor keeps refusing: a full pipe), new lines are dropped. */
  maxPendingBytes?: number;
}

/** pino's destination contract, plus what the request logger needs to flush and close it. */
export interface BatchedLogDestination {
  write(line: string): void;
  /** Writes what is waiting now (synchronously); the callback runs once it is written. */
  flush(callback?: (error?: Error) => void): void;
  /** Lines dropped because the descriptor refused them for too long. */
  readonly droppedLines: number;
  /** Writes what is waiting and stops the timer and the exit hook. */
  close(): void;
}

const DEFAULT_MAX_PENDING_BYTES = 8 * 1024 * 1024;

/**
 * A log destination that batches lines into one synchronous `write(2)` per `bufferBytes`.
 *
 * Why not sonic-boom's own `minLength` buffering: in the gateway benchmark its asynchronous writes
 * woke a libuv pool thread on the gateway's core for each batch, and its `Buffer.byteLength` of the
 * growing batch on every line flattened that string again; together they cost ~50 µs per request
 * (bench/compare-builds.mjs). Here a line costs an array push; the write happens once per batch,
 * synchronously, on the main thread. A descriptor that refuses (EAGAIN: a full non-blocking pipe)
 * keeps its lines for the next flush rather than blocking the event loop; a closed one (EPIPE)
 * stops logging quietly rather than failing requests.
 */
export function createBatchedLogDestination(fd: number, options: BatchedLogDestinationOptions): BatchedLogDestination {
  const maxPendingBytes = options.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES;
  let lines: string[] = [];
  // UTF-16 length: an estimate of the bytes, which is all a batching threshold needs.
  let pendingLength = 0;
  // The unwritten bytes of a batch the descriptor took only in part before refusing the rest.
  let carry: Buffer | undefined;
  let broken = false;
  let dropped = 0;

  function writePending(): Error | undefined {
    if ((pendingLength === 0 && carry === undefined) || broken) return undefined;
    const text = lines.length === 1 ? lines[0]! : lines.join('');
    let data: string | Buffer = carry === undefined ? text : Buffer.concat([carry, Buffer.from(text)]);
    lines = [];
    pendingLength = 0;
    carry = undefined;
    try {
      // Written in part: the rest is written from its bytes.
      let bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
      let written = typeof data === 'string' ? writeSync(fd, data) : writeSync(fd, data);
      while (written < bytes) {
        data = (typeof data === 'string' ? Buffer.from(data) : data).subarray(written);
        bytes = data.length;
        written = writeSync(fd, data);
      }
      return undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
        carry = typeof data === 'string' ? Buffer.from(data) : data;
        pendingLength = carry.length;
        return undefined;
      }
      broken = true;
      return error as Error;
    }
  }

  // Armed only while lines wait: an idle gateway is not woken five times a second for nothing.
  let timer: NodeJS.Timeout | undefined;
  const armTimer = () => {
    timer = setTimeout(() => {
      timer = undefined;
      writePending();
      if (pendingLength > 0) armTimer();
    }, options.flushIntervalMs);
    timer.unref();
  };
  // Lines still waiting when the process exits (a normal exit or process.exit) are written then.
  const onExit = () => writePending();
  process.on('exit', onExit);

  return {
    write(line: string) {
      if (broken) return;
      if (pendingLength + line.length > maxPendingBytes) {
        dropped += 1;
        return;
      }
      lines.push(line);
      pendingLength += line.length;
      if (pendingLength >= options.bufferBytes) writePending();
      // What is still waiting (below the batch size, or refused by a full pipe) goes out within flushIntervalMs.
      if (pendingLength > 0 && timer === undefined) armTimer();
    },
    flush(callback) {
      const error = writePending();
      callback?.(error);
    },
    get droppedLines() {
      return dropped;
    },
    close() {
      writePending();
      clearTimeout(timer);
      process.off('exit', onExit);
    },
  };
}
