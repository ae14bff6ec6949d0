/**
 * Check-and-count in one step inside Redis, on Redis's clock, so that every replica sees the same
 * counters and two replicas can never both take the last slot. Same rule as sliding-window.ts.
 * KEYS[1] = caller prefix; ARGV = rpm, tpm, token cost, window ms.
 * Returns {reason ('' if allowed), curR, curT, prevR, prevT, elapsed ms, window index}.
 */
export const ACQUIRE_SCRIPT = `
local rpm = tonumber(ARGV[1])
local tpm = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local window_ms = tonumber(ARGV[4])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local window = math.floor(now / window_ms)
local elapsed = now - window * window_ms
local current_key = KEYS[1] .. ':' .. window
local current = redis.call('HMGET', current_key, 'r', 't')
local previous = redis.call('HMGET', KEYS[1] .. ':' .. (window - 1), 'r', 't')
local cur_r = tonumber(current[1]) or 0
local cur_t = tonumber(current[2]) or 0
local prev_r = tonumber(previous[1]) or 0
local prev_t = tonumber(previous[2]) or 0
local overlap = 1 - elapsed / window_ms
local reason = ''
if rpm > 0 and prev_r * overlap + cur_r + 1 > rpm then
  reason = 'requests'
elseif tpm > 0 and prev_t * overlap + cur_t + cost > tpm then
  reason = 'tokens'
end
if reason == '' then
  cur_r = redis.call('HINCRBY', current_key, 'r', 1)
  cur_t = redis.call('HINCRBY', current_key, 't', cost)
  redis.call('PEXPIRE', current_key, window_ms * 2 + 5000)
end
return {reason, cur_r, cur_t, prev_r, prev_t, elapsed, window}
`;

/** KEYS[1] = one window's counters; ARGV[1] = token delta. Never creates a window or goes below 0. */
export const ADJUST_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
local tokens = redis.call('HINCRBY', KEYS[1], 't', ARGV[1])
if tokens < 0 then
  redis.call('HSET', KEYS[1], 't', 0)
end
return 1
`;
