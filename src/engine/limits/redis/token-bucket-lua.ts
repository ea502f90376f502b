import { SERVER_CLOCK_LUA } from './server-clock-lua.js';

/**
 * The token bucket of token-bucket.ts, run inside Redis so that every replica takes from one budget
 * atomically in one round trip (no read-then-write race). Same arithmetic, in the same order, so
 * the property test can hold it to the in-memory model.
 *
 * KEYS[1]: the bucket hash (l level, t updated at, p paused until, c capacity, r refill per ms).
 * ARGV: op (take | adjust | pause), now ('' reads the server's clock with TIME, so replicas' clock
 * skew never decides who gets a token; tests pass it to step the clock), amount (cost | delta |
 * until, or +ms left for a pause), capacity, refill per ms ('' for pause), TTL margin in ms.
 * Returns {1, 0} when admitted (or done), {0, waitMs} when not; waitMs -1 means never.
 *
 * Numbers are stored with %.17g: Lua 5.1's default tostring keeps 14 digits, which would let the
 * shared level drift from the model by float dust. Every write sets a PEXPIRE of the time to
 * refill fully (plus what is left of a pause) plus the margin: an idle key vanishes once it would
 * be full anyway, and a missing key starts full, so the expiry never changes an answer.
 */
export const TOKEN_BUCKET_LUA = `
local key = KEYS[1]
local op = ARGV[1]
${SERVER_CLOCK_LUA}local amount
if string.sub(ARGV[3], 1, 1) == '+' then
  -- A pause sent as time left (the caller's clock is not the server's).
  amount = now + tonumber(string.sub(ARGV[3], 2))
else
  amount = tonumber(ARGV[3])
end
local margin = tonumber(ARGV[6])
local EPSILON = 1e-9
local NEVER = -math.huge

local state = redis.call('HMGET', key, 'l', 't', 'p', 'c', 'r')
local paused = tonumber(state[3]) or NEVER
local level = tonumber(state[1])
local updated = tonumber(state[2])
local capacity = tonumber(state[4])
local rate = tonumber(state[5])


local function refill()
  local from = updated
  if paused > from then from = paused end
  if now > from and level < capacity and rate > 0 then
    local filled = level + (now - from) * rate
    if filled < capacity then level = filled else level = capacity end
  end
  if now > updated then updated = now end
end

local function save()
  local pending = 0
  if paused > now then pending = paused - now end
  local refillMs = 86400000
  if rate > 0 then
    refillMs = (capacity - level) / rate
    if refillMs < 0 then refillMs = 0 end
  end
  if paused ~= NEVER then
    redis.call('HSET', key, 'l', fmt(level), 't', fmt(updated), 'c', fmt(capacity), 'r', fmt(rate), 'p', fmt(paused))
  else
    redis.call('HSET', key, 'l', fmt(level), 't', fmt(updated), 'c', fmt(capacity), 'r', fmt(rate))
  end
  redis.call('PEXPIRE', key, math.ceil(refillMs + pending + margin))
end

if op == 'pause' then
  if not (amount > paused) then return {1, 0} end
  if level == nil then
    -- Nothing has taken from this key yet: keep the pause for the bucket the first take creates.
    if not (amount > now) then return {1, 0} end
    redis.call('HSET', key, 'p', fmt(amount))
    redis.call('PEXPIRE', key, math.ceil(amount - now + margin))
    return {1, 0}
  end
  refill()
  if level > 0 then level = 0 end
  paused = amount
  save()
  return {1, 0}
end

local wantCapacity = tonumber(ARGV[4])
local wantRate = tonumber(ARGV[5])
if level == nil then
  -- A new bucket starts full at now; a pause recorded before it empties it (as pauseUntil would).
  capacity = wantCapacity
  rate = wantRate
  updated = now
  if paused ~= NEVER then level = 0 else level = capacity end
elseif capacity ~= wantCapacity or rate ~= wantRate then
  -- New limits (config reload): keep the fill ratio.
  refill()
  if capacity > 0 then level = (level / capacity) * wantCapacity else level = wantCapacity end
  capacity = wantCapacity
  rate = wantRate
end

local function estimate(n)
  local start = now
  if paused > now then start = paused end
  local missing = n - level
  if missing <= EPSILON * (1 + capacity) then return math.ceil(start - now) end
  if rate <= 0 then return -1 end
  return math.ceil(start - now + missing / rate - 1e-6)
end

if op == 'take' then
  if amount > capacity then
    save()
    return {0, -1}
  end
  refill()
  if now >= paused and level + EPSILON * (1 + capacity) >= amount then
    level = level - amount
    save()
    return {1, 0}
  end
  local wait = estimate(amount)
  save()
  return {0, wait}
end

if op == 'adjust' then
  refill()
  if amount >= 0 then
    level = level + amount
    if level > capacity then level = capacity end
  else
    level = level + amount
  end
  save()
  return {1, 0}
end

return redis.error_reply('unknown token bucket operation ' .. tostring(op))
`;
