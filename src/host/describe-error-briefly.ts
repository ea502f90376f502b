/** An error's first line, for a log line about a config store (gRPC and undici messages run long). */
export function describeErrorBriefly(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!;
}
