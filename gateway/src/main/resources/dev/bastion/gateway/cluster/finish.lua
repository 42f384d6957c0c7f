-- Ends one admitted request (docs/scale-out.md): drops its leases and settles its tokens, atomically.
--
-- The tokens reserved at admission are replaced by the tokens used: the difference goes into the slot of the
-- admission while that slot is still in the window, else (a request longer than the window) any excess goes into
-- the current slot. The key's token estimate learns from the tokens used: it rises at once to a larger use and
-- decays by an eighth of the gap towards a smaller one, so reservations err high (refusing a little early) rather
-- than low (letting concurrent requests overshoot the limit).
--
-- KEYS  1 key tokens, 2 key leases, 3 tenant tokens, 4 tenant leases, 5 the key's token estimate
-- ARGV  1 lease member, 2 slot of the admission, 3 key tokens reserved, 4 tenant tokens reserved (-1: no token
--       limit), 5 tokens used (-1: the request recorded none)
-- Returns the key's token estimate after this request.
local WINDOW = 60
local t = redis.call('TIME')
local slot = math.floor(tonumber(t[1]))
local member, at, used = ARGV[1], ARGV[2], tonumber(ARGV[5])
redis.call('ZREM', KEYS[2], member)
redis.call('ZREM', KEYS[4], member)

local function settle(tokens, reserved)
  if reserved < 0 then return end
  local delta = math.max(used, 0) - reserved
  if tonumber(at) > slot - WINDOW and redis.call('HEXISTS', tokens, at) == 1 then
    redis.call('HINCRBY', tokens, at, delta)
  elseif delta > 0 then
    redis.call('HINCRBY', tokens, slot, delta)
    redis.call('PEXPIRE', tokens, (WINDOW + 1) * 1000)
  end
end
settle(KEYS[1], tonumber(ARGV[3]))
settle(KEYS[3], tonumber(ARGV[4]))

local estimate = tonumber(redis.call('GET', KEYS[5]) or '0')
if used >= 0 then
  if used > estimate then
    estimate = used
  else
    estimate = estimate + (used - estimate) / 8
  end
  estimate = math.max(1, math.floor(estimate + 0.5))
  redis.call('SET', KEYS[5], estimate, 'PX', 3600000)
end
return estimate
