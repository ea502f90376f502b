export interface StdoutWatch {
  /** Aborted once the reader of standard output is gone: the work whose output nobody reads can stop. */
  readonly signal: AbortSignal;
  /** True once the reader is gone; writes are then dropped. */
  readonly readerGone: boolean;
  /** Writes unless the reader is gone. */
  write(text: string): void;
  /** Throws when a write failed for another reason than the reader leaving (a full disk, say). */
  throwIfFailed(): void;
  /** Stops watching. */
  stop(): void;
}

/**
 * Standard output for the one-shot commands. When its reader leaves (`liter-llm chat --stream | head`),
 * the next write fails with EPIPE, which Node raises as an unhandled 'error' event: a stack trace and
 * exit 1 after the user got what they asked for. Here that error aborts `signal` instead (so the
 * upstream call stops), later writes are dropped and the command can end quietly, as `head`'s other
 * writers do. Any other write error is kept for `throwIfFailed`.
 */
export function watchStdout(stream: NodeJS.WritableStream = process.stdout): StdoutWatch {
  const controller = new AbortController();
  let failure: Error | undefined;
  const onError = (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') failure ??= error;
    if (!controller.signal.aborted) controller.abort();
  };
  stream.on('error', onError);
  return {
    signal: controller.signal,
    get readerGone() {
      return controller.signal.aborted;
    },
    write(text: string) {
      if (!controller.signal.aborted) stream.write(text);
    },
    stop() {
      // Writes still in flight may fail after the command returned: toleratePipeClose covers them.
      stream.off('error', onError);
    },
    throwIfFailed() {
      if (failure) throw new Error(`could not write to standard output: ${failure.message}`);
    },
  };
}

/**
 * For every command (main.ts): a reader of standard output that is gone (`liter-llm --help | head -1`
 * after `head` exited) is no crash; the write is lost and the command ends as it would have. Other
 * write errors still surface.
 */
export function toleratePipeClose(stream: NodeJS.WritableStream = process.stdout): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}
