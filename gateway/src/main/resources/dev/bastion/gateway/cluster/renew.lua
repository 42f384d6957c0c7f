-- Extends the leases of requests still running on this replica (docs/scale-out.md); a lease already gone (it
-- lapsed, or its request finished) is not recreated.
--
-- KEYS  lease sets, one per lease
-- ARGV  1 lease time to live in ms, then the member of each lease, in the order of KEYS
-- Returns how many leases were extended.
local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[1])
local renewed = 0
for i, leases in ipairs(KEYS) do
  if redis.call('ZSCORE', leases, ARGV[i + 1]) then
    redis.call('ZADD', leases, 'XX', now_ms + ttl, ARGV[i + 1])
    redis.call('PEXPIRE', leases, ttl + 1000)
    renewed = renewed + 1
  end
end
return renewed
