import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBatchedLogDestination, type BatchedLogDestination } from './create-batched-log-destination.js';

const opened: BatchedLogDestination[] = [];
const directories: string[] = [];
afterEach(() => {
  for (const destination of opened.splice(0)) destination.close();
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function openTempFile(): { file: string; fd: number } {
  const directory = mkdtempSync(path.join(tmpdir(), 'batched-log-'));
  directories.push(directory);
  const file = path.join(directory, 'out.log');
  return { file, fd: openSync(file, 'a') };
}

function create(fd: number, bufferBytes: number, flushIntervalMs = 60_000, maxPendingBytes?: number): BatchedLogDestination {
  const destination = createBatchedLogDestination(fd, {
    bufferBytes,
    flushIntervalMs,
    ...(maxPendingBytes !== undefined && { maxPendingBytes }),
  });
  opened.push(destination);
  return destination;
}

describe('createBatchedLogDestination', () => {
  it('holds lines until bufferBytes wait, then writes them together, in order', () => {
    const { file, fd } = openTempFile();
    const destination = create(fd, 100);
    destination.write('{"n":1}\n');
    destination.write('{"n":2}\n');
    expect(readFileSync(file, 'utf8')).toBe('');
    const long = `{"n":3,"pad":"${'x'.repeat(100)}"}\n`;
    destination.write(long);
    expect(readFileSync(file, 'utf8')).toBe(`{"n":1}\n{"n":2}\n${long}`);
    closeSync(fd);
  });

  it('writes what waits on flush (calling back) and on close', () => {
    const { file, fd } = openTempFile();
    const destination = create(fd, 4096);
    destination.write('a\n');
    let called = false;
    destination.flush((error) => {
      expect(error).toBeUndefined();
      called = true;
    });
    expect(called).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe('a\n');
    destination.write('é ü\n');
    destination.close();
    expect(readFileSync(file, 'utf8')).toBe('a\né ü\n');
    closeSync(fd);
  });

  it('writes a waiting line once flushIntervalMs has passed', async () => {
    const { file, fd } = openTempFile();
    const destination = create(fd, 4096, 20);
    destination.write('late\n');
    await expect.poll(() => readFileSync(file, 'utf8'), { timeout: 2000 }).toBe('late\n');
    closeSync(fd);
  });

  it('keeps a timer only while lines wait, so an idle process is not woken', () => {
    vi.useFakeTimers();
    try {
      const { file, fd } = openTempFile();
      const destination = create(fd, 4096, 200);
      expect(vi.getTimerCount()).toBe(0);
      destination.write('one\n');
      destination.write('two\n');
      expect(vi.getTimerCount()).toBe(1);
      vi.advanceTimersByTime(200);
      expect(readFileSync(file, 'utf8')).toBe('one\ntwo\n');
      expect(vi.getTimerCount()).toBe(0);
      closeSync(fd);
    } finally {
      vi.useRealTimers();
    }
  });

  it('writes the lines still waiting when the process exits', () => {
    const { file } = openTempFile();
    // The built module (test/build-once.global-setup.ts builds dist/ before the tests).
    const module = new URL('../../dist/telemetry/create-batched-log-destination.js', import.meta.url).href;
    const script = [
      `import { openSync } from 'node:fs';`,
      `import { createBatchedLogDestination } from ${JSON.stringify(module)};`,
      `const destination = createBatchedLogDestination(openSync(${JSON.stringify(file)}, 'a'), { bufferBytes: 4096, flushIntervalMs: 60000 });`,
      `destination.write('one\\n'); destination.write('two\\n');`,
      `process.exit(0);`,
    ].join('\n');
    execFileSync(process.execPath, ['--input-type=module', '-e', script], { stdio: 'pipe' });
    expect(readFileSync(file, 'utf8')).toBe('one\ntwo\n');
  });

  it('keeps what a full non-blocking pipe refuses, without blocking, and writes it once the reader drains', async () => {
    // cat's stdout is not read (paused), so cat stops reading its stdin, and that pipe fills up:
    // writes to it fail with EAGAIN after a few hundred KiB.
    const cat = spawn('cat', [], { stdio: ['pipe', 'pipe', 'ignore'] });
    cat.stdout.pause();
    const fd = (cat.stdin as unknown as { _handle: { fd: number } })._handle.fd;
    const destination = create(fd, 1, 5);
    const line = `${'x'.repeat(1023)}\n`;
    for (let index = 0; index < 1024; index++) destination.write(line);
    let received = 0;
    let whole = true;
    let partial = '';
    cat.stdout.on('data', (chunk: Buffer) => {
      received += chunk.length;
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop()!;
      if (!lines.every((text) => text.length === 1023)) whole = false;
    });
    expect(received).toBe(0);
    cat.stdout.resume();
    await expect.poll(() => received, { timeout: 10_000 }).toBe(1024 * 1024);
    expect(whole).toBe(true);
    expect(destination.droppedLines).toBe(0);
    destination.close();
    cat.kill();
  });

  it('drops new lines past maxPendingBytes and counts them', () => {
    const destination = create(-1, 1_000_000, 60_000, 10);
    destination.write('12345\n');
    destination.write('12345\n');
    expect(destination.droppedLines).toBe(1);
  });

  it('reports a broken descriptor to flush once, then drops lines quietly', () => {
    const destination = create(987_654, 4096);
    destination.write('lost\n');
    const reported: (NodeJS.ErrnoException | undefined)[] = [];
    destination.flush((error) => reported.push(error));
    expect(reported.map((error) => error?.code)).toEqual(['EBADF']);
    expect(() => destination.write('also lost\n')).not.toThrow();
    destination.flush((error) => expect(error).toBeUndefined());
  });
});
