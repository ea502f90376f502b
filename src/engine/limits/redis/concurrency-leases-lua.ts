import { SERVER_CLOCK_LUA } from './server-clock-lua.js';

/**
 * Fleet-wide concurrency leases: KEYS[1] is a sorted set of lease id -> expiry (ms on the server's
 * clock). Expired leases are dropped before counting, so a replica that died (kill -9) frees its
 * slots by itself once their lease time has passed. The key's PEXPIRE follows its latest expiry
 * plus a margin, so an idle key goes away.
 *
 * ARGV: op (acquire | renew), now ('' reads TIME; tests pass it), lease ms, margin ms, then
 * acquire: limit, lease id -> {1, 0} taken, or {0, ms until the earliest lease expires};
 * renew: lease ids... -> {renewed count, 0} (a lease already expired is not brought back: its slot
 * may have gone to someone else).
 */
export const CONCURRENCY_LEASES_LUA = `
local key = KEYS[1]
local op = ARGV[1]
${SERVER_CLOCK_LUA}local leaseMs = tonumber(ARGV[3])
local margin = tonumber(ARGV[4])

local function expireAfterLatest()
  local latest = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  if latest[2] ~= nil then
    redis.call('PEXPIRE', key, math.ceil(tonumber(latest[2]) - now + margin))
  end
end

redis.call('ZREMRANGEBYSCORE', key, '-inf', fmt(now))

if op == 'acquire' then
  local limit = tonumber(ARGV[5])
  if redis.call('ZCARD', key) < limit then
    redis.call('ZADD', key, fmt(now + leaseMs), ARGV[6])
    expireAfterLatest()
    return {1, 0}
  end
  local earliest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  local wait = math.ceil(tonumber(earliest[2]) - now)
  if wait < 1 then wait = 1 end
  return {0, wait}
end

if op == 'renew' then
  local renewed = 0
  for i = 5, #ARGV do
    if redis.call('ZSCORE', key, ARGV[i]) then
      redis.call('ZADD', key, 'XX', fmt(now + leaseMs), ARGV[i])
      renewed = renewed + 1
    end
  end
  expireAfterLatest()
  return {renewed, 0}
end

return redis.error_reply('unknown lease operation ' .. tostring(op))
`;
