-- The shared limiter's one script (docs/scale-out.md): settles the requests this replica has ended since its last
-- call, then admits one request or refuses it, for a key and its tenant together, all atomically. A call may carry
-- only settlements (the replica flushes them when no admission came to carry them).
--
-- Per scope (a key, a tenant) there are two Redis keys: the window, a hash, and the leases, a sorted set. The window
-- holds a sliding window of 60 one-second slots (Unix seconds on the Redis server's clock): fields 'r<slot>' (requests
-- admitted in that slot) and 't<slot>' (tokens reserved and settled in it), the running totals 'r' and 't' of the
-- slots present, and 'o', a slot no later than any slot present. Totals make a check O(1): only when 'o' has left the
-- window are the slots read (HGETALL), the old ones deleted and the totals counted again, at most once a second per
-- scope. The leases hold one member per running request, scored by its expiry in milliseconds.
--
-- KEYS  per settlement, then for the admission if there is one, five keys: key window, key leases, tenant window,
--       tenant leases, the key's token estimate (tokens per request, learnt from the settlements)
-- ARGV  1 settlements, 2 '1' to admit a request ('0': settlements only), 3 lease time to live in ms, then
--       per settlement five: lease member, slot of its admission, key tokens reserved, tenant tokens reserved (-1:
--       no token limit), tokens used (-1: the request recorded none);
--       for the admission seven: key limits (requests per minute, tokens per minute, concurrent requests; 0:
--       unlimited), the tenant's three, the lease member
-- Returns {1, slot, key tokens reserved, tenant tokens reserved} (-1: that scope has no token limit),
--         {0, scope (1 key, 2 tenant), limit (1 concurrent, 2 requests, 3 tokens), seconds to wait},
--         or {2} when no admission was asked for.
local WINDOW = 60
local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local slot = math.floor(now_ms / 1000)
local oldest = slot - WINDOW + 1
local settlements, admit, ttl = tonumber(ARGV[1]), ARGV[2] == '1', tonumber(ARGV[3])

-- Adds n to one slot of a window and to its total; a new slot (re)starts the window's expiry.
local function add(h, kind, s, n)
  if redis.call('HINCRBY', h, kind .. s, n) == n then
    redis.call('HSETNX', h, 'o', s)
    redis.call('PEXPIRE', h, (WINDOW + 1) * 1000)
  end
  redis.call('HINCRBY', h, kind, n)
end

-- The requests and tokens in a window, after deleting the slots that left it.
local function totals(h)
  local v = redis.call('HMGET', h, 'r', 't', 'o')
  local o = tonumber(v[3])
  if o == nil or o >= oldest then
    return tonumber(v[1]) or 0, tonumber(v[2]) or 0
  end
  local fields = redis.call('HGETALL', h)
  local sum, first, stale = {r = 0, t = 0}, slot, {}
  for i = 1, #fields, 2 do
    local s = tonumber(string.sub(fields[i], 2))
    if s then
      if s < oldest then
        stale[#stale + 1] = fields[i]
      else
        local kind = string.sub(fields[i], 1, 1)
        sum[kind] = sum[kind] + tonumber(fields[i + 1])
        if s < first then first = s end
      end
    end
  end
  if #stale > 0 then redis.call('HDEL', h, unpack(stale)) end
  redis.call('HSET', h, 'r', sum.r, 't', sum.t, 'o', first)
  return sum.r, sum.t
end

-- Seconds until the oldest slot of one kind holding anything leaves the window (read only for a refusal).
local function wait(h, kind)
  local fields = redis.call('HGETALL', h)
  local first = slot
  for i = 1, #fields, 2 do
    local s = tonumber(string.sub(fields[i], 2))
    if s and string.sub(fields[i], 1, 1) == kind and s >= oldest and s < first and tonumber(fields[i + 1]) > 0 then
      first = s
    end
  end
  return math.max(1, first + WINDOW - slot)
end

-- Settlements: drop the leases, replace each reservation by the tokens used, learn the key's estimate.
local estimates = {}
for i = 0, settlements - 1 do
  local k, a = i * 5, 3 + i * 5
  local member, at, used = ARGV[a + 1], tonumber(ARGV[a + 2]), tonumber(ARGV[a + 5])
  redis.call('ZREM', KEYS[k + 2], member)
  redis.call('ZREM', KEYS[k + 4], member)
  for _, scope in ipairs({{KEYS[k + 1], tonumber(ARGV[a + 3])}, {KEYS[k + 3], tonumber(ARGV[a + 4])}}) do
    local h, reserved = scope[1], scope[2]
    local delta = math.max(used, 0) - reserved
    if reserved >= 0 and delta ~= 0 then
      if at > slot - WINDOW and redis.call('HEXISTS', h, 't' .. at) == 1 then
        redis.call('HINCRBY', h, 't' .. at, delta)
        redis.call('HINCRBY', h, 't', delta)
      elseif delta > 0 then
        add(h, 't', slot, delta)
      end
    end
  end
  if used >= 0 then
    local name = KEYS[k + 5]
    local estimate = estimates[name] or tonumber(redis.call('GET', name) or '0')
    if used > estimate then
      estimate = used
    else
      estimate = estimate + (used - estimate) / 8
    end
    estimates[name] = math.max(1, math.floor(estimate + 0.5))
  end
end
for name, estimate in pairs(estimates) do
  redis.call('SET', name, estimate, 'PX', 3600000)
end
if not admit then return {2} end

-- The admission: checks key first, then tenant; concurrency, then requests, then tokens.
local k, a = settlements * 5, 3 + settlements * 5
local scopes = {
  {window = KEYS[k + 1], leases = KEYS[k + 2], rpm = tonumber(ARGV[a + 1]), tpm = tonumber(ARGV[a + 2]),
   concurrent = tonumber(ARGV[a + 3])},
  {window = KEYS[k + 3], leases = KEYS[k + 4], rpm = tonumber(ARGV[a + 4]), tpm = tonumber(ARGV[a + 5]),
   concurrent = tonumber(ARGV[a + 6])}}
local member = ARGV[a + 7]
local estimate = 1
if scopes[1].tpm > 0 or scopes[2].tpm > 0 then
  estimate = estimates[KEYS[k + 5]] or tonumber(redis.call('GET', KEYS[k + 5]) or '1')
end
for i, s in ipairs(scopes) do
  if s.concurrent > 0 then
    redis.call('ZREMRANGEBYSCORE', s.leases, '-inf', now_ms)
    if redis.call('ZCARD', s.leases) >= s.concurrent then return {0, i, 1, 1} end
  end
  if s.rpm > 0 or s.tpm > 0 then
    local requests, tokens = totals(s.window)
    if s.rpm > 0 and requests + 1 > s.rpm then return {0, i, 2, wait(s.window, 'r')} end
    if s.tpm > 0 and tokens + math.min(estimate, s.tpm) > s.tpm then return {0, i, 3, wait(s.window, 't')} end
  end
end
local reserved = {-1, -1}
for i, s in ipairs(scopes) do
  if s.rpm > 0 then add(s.window, 'r', slot, 1) end
  if s.tpm > 0 then
    reserved[i] = math.min(estimate, s.tpm)
    add(s.window, 't', slot, reserved[i])
  end
  if s.concurrent > 0 then
    redis.call('ZADD', s.leases, now_ms + ttl, member)
    redis.call('PEXPIRE', s.leases, ttl + 1000)
  end
end
return {1, slot, reserved[1], reserved[2]}
