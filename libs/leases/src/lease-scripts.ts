/**
 * A semaphore is one sorted set: members are holders, scores the epoch ms at which their lease runs
 * out. Every script reads Redis's clock, so replicas with skewed clocks still agree on expiry.
 */

/**
 * KEYS[1] = semaphore; ARGV = limit, lease ms, holder. Drops expired holders, then adds this one
 * only if fewer than `limit` remain, as one atomic step. Returns 1 when the slot was taken, else 0.
 */
export const ACQUIRE_LEASE_SCRIPT = `
local limit = tonumber(ARGV[1])
local lease_ms = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= limit then
  return 0
end
redis.call('ZADD', KEYS[1], now + lease_ms, ARGV[3])
redis.call('PEXPIRE', KEYS[1], lease_ms * 2)
return 1
`;

/**
 * KEYS[1] = semaphore; ARGV = lease ms, holders... Extends the lease of every holder listed. A
 * holder whose lease had already run out (Redis unreachable for longer than a lease) is added back:
 * its generation is still running, so it still occupies the slot. Returns how many were added back.
 */
export const RENEW_LEASES_SCRIPT = `
local lease_ms = tonumber(ARGV[1])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local added = 0
for i = 2, #ARGV do
  added = added + redis.call('ZADD', KEYS[1], now + lease_ms, ARGV[i])
end
redis.call('PEXPIRE', KEYS[1], lease_ms * 2)
return added
`;
