/**
 * The opening of both limit scripts: `now` in ms from ARGV[2], or, when that is empty (production),
 * from the server's TIME, so that one clock decides for every replica and their skew never matters.
 */
export const SERVER_CLOCK_LUA = `
local now
if ARGV[2] ~= '' then
  now = tonumber(ARGV[2])
else
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
end
local function fmt(x) return string.format('%.17g', x) end
`;
