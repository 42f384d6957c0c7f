-- Admits one request or refuses it, for a key and its tenant together, atomically (docs/scale-out.md).
--
-- Requests and tokens are counted in a sliding window of 60 one-second slots: a hash per scope whose fields are
-- slot numbers (Unix seconds on the Redis server's clock) and whose values are counts. A request is admitted when
-- every limited scope has a free concurrency lease, fewer than its limit of requests in the window, and room for
-- the tokens reserved for it. Admission takes a request, reserves the token estimate in the current slot and adds
-- a lease (a sorted-set member scored by its expiry in milliseconds), all in this one script.
--
-- KEYS  1 key requests, 2 key tokens, 3 key leases, 4 tenant requests, 5 tenant tokens, 6 tenant leases,
--       7 the key's token estimate (tokens per request, learnt by finish.lua)
-- ARGV  1-3 key limits: requests per minute, tokens per minute, concurrent requests (0: unlimited)
--       4-6 tenant limits, the same three; 7 lease member; 8 lease time to live in ms
-- Returns {1, slot, key tokens reserved, tenant tokens reserved} (-1: that scope has no token limit), or
--         {0, scope (1 key, 2 tenant), limit (1 concurrent, 2 requests, 3 tokens), seconds to wait}.
local WINDOW = 60
local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local slot = math.floor(now_ms / 1000)
local oldest = slot - WINDOW + 1
local member, ttl = ARGV[7], tonumber(ARGV[8])
local estimate = tonumber(redis.call('GET', KEYS[7]) or '1')

-- The sum of the slots still in the window (older ones are deleted) and the oldest slot that holds any.
local function window(hash)
  local fields = redis.call('HGETALL', hash)
  local sum, first = 0, slot
  for i = 1, #fields, 2 do
    local s = tonumber(fields[i])
    if s < oldest then
      redis.call('HDEL', hash, fields[i])
    else
      local v = tonumber(fields[i + 1])
      sum = sum + v
      if v > 0 and s < first then first = s end
    end
  end
  return sum, first
end

local function wait(first)
  return math.max(1, first + WINDOW - slot)
end

local function refusal(scope, requests, tokens, leases, rpm, tpm, concurrent)
  if concurrent > 0 then
    redis.call('ZREMRANGEBYSCORE', leases, '-inf', now_ms)
    if redis.call('ZCARD', leases) >= concurrent then return {0, scope, 1, 1} end
  end
  if rpm > 0 then
    local used, first = window(requests)
    if used + 1 > rpm then return {0, scope, 2, wait(first)} end
  end
  if tpm > 0 then
    local used, first = window(tokens)
    if used + math.min(estimate, tpm) > tpm then return {0, scope, 3, wait(first)} end
  end
  return nil
end

local function take(requests, tokens, leases, rpm, tpm, concurrent)
  local reserved = -1
  if rpm > 0 then
    redis.call('HINCRBY', requests, slot, 1)
    redis.call('PEXPIRE', requests, (WINDOW + 1) * 1000)
  end
  if tpm > 0 then
    reserved = math.min(estimate, tpm)
    redis.call('HINCRBY', tokens, slot, reserved)
    redis.call('PEXPIRE', tokens, (WINDOW + 1) * 1000)
  end
  if concurrent > 0 then
    redis.call('ZADD', leases, now_ms + ttl, member)
    redis.call('PEXPIRE', leases, ttl + 1000)
  end
  return reserved
end

local k = {tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])}
local n = {tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])}
local refused = refusal(1, KEYS[1], KEYS[2], KEYS[3], k[1], k[2], k[3])
  or refusal(2, KEYS[4], KEYS[5], KEYS[6], n[1], n[2], n[3])
if refused then return refused end
local key_reserved = take(KEYS[1], KEYS[2], KEYS[3], k[1], k[2], k[3])
local tenant_reserved = take(KEYS[4], KEYS[5], KEYS[6], n[1], n[2], n[3])
return {1, slot, key_reserved, tenant_reserved}
