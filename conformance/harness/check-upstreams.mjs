import { matchExpected } from './match-expected.mjs';

/** How long a check waits for an abort the vector expects to reach the upstream (the engine sends it asynchronously). */
const ABORT_WAIT_MS = 3_000;

/**
 * Compares what each upstream server received with its `received` block (conformance/README.md,
 * "What the upstreams received"): the request count, each request (method, path, headers, JSON body,
 * the gap since the one before), and how many requests the client aborted.
 */
export async function checkUpstreams(upstreams) {
  const problems = [];
  for (const [name, { spec, server }] of upstreams) {
    const expected = spec.received;
    if (expected === undefined) continue;
    if (typeof expected.aborted === 'number' && expected.aborted > 0)
      await server.waitForAborts(expected.aborted, ABORT_WAIT_MS).catch(() => undefined);
    const prefix = `upstreams.${name}`;
    const requests = server.requests.map(describeRequest);
    if (expected.count !== undefined && requests.length !== expected.count)
      problems.push(`${prefix}: expected ${expected.count} request(s), got ${requests.length}${listPaths(requests)}`);
    if (expected.requests !== undefined) problems.push(...matchExpected(expected.requests, requests, `${prefix}.requests`));
    if (expected.aborted !== undefined && server.abortedRequests !== expected.aborted)
      problems.push(`${prefix}: expected ${expected.aborted} aborted request(s), got ${server.abortedRequests}`);
  }
  return problems;
}

function describeRequest(request, index, all) {
  const [path, query] = request.url.split('?');
  return {
    method: request.method,
    path,
    query: query ?? '',
    headers: request.headers,
    json: request.json,
    body: request.body,
    sincePreviousMs: index === 0 ? 0 : request.receivedAt - all[index - 1].receivedAt,
  };
}

function listPaths(requests) {
  return requests.length === 0 ? '' : ` (${requests.map((request) => `${request.method} ${request.path}`).join(', ')})`;
}
