-- Compare and set of one conversation's sealed pseudonym table (PseudonymVault through RedisTables).
-- KEYS[1] the table (bastion:pv:t:<keyed hash of key id and conversation>)
-- KEYS[2] the index of the API key's tables (bastion:pv:k:<keyed hash of key id>), for erasure
-- ARGV[1] '1' when a table is expected, '0' when none is
-- ARGV[2] the expected sealed table (ignored when ARGV[1] is '0')
-- ARGV[3] the new sealed table
-- ARGV[4] time to live in milliseconds
-- Reply: 1 stored, 0 another writer changed the table first.
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '0' then
  if current then return 0 end
elseif current ~= ARGV[2] then
  return 0
end
redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
redis.call('SADD', KEYS[2], KEYS[1])
if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[4]) then
  redis.call('PEXPIRE', KEYS[2], ARGV[4])
end
return 1
