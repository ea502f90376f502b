export class UsageError extends Error {
  override name = 'UsageError';
}

/** Runs node:util parseArgs (passed as a thunk, so its precise types survive) with its errors turned into usage errors. */
export function parseCLIArgs<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
