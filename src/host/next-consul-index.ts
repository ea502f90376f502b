/**
 * The index for the next blocking query, from the one sent and the X-Consul-Index answered, by the
 * rules of Consul's "Blocking Queries: Implementation Details"
 * (https://developer.hashicorp.com/consul/api-docs/features/blocking):
 * - an index that went backwards (a restored snapshot, a new cluster, a key removed with its
 *   tombstones reaped) resets to 0, so the next query reads everything without blocking;
 * - an index below 1 (or none) is taken as 1, so the next query blocks instead of returning at once
 *   forever.
 */
export function nextConsulIndex(sent: number, answered: number): number {
  if (!Number.isFinite(answered) || answered < 1) return 1;
  if (answered < sent) return 0;
  return Math.floor(answered);
}
