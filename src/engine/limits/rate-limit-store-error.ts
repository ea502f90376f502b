/** A shared limit store did not answer in time or refused the command (Redis down, timeout). */
export class RateLimitStoreError extends Error {
  override readonly name = 'RateLimitStoreError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
