-- Erasure of every sealed pseudonym table of one API key (RedisTables.eraseKey).
-- KEYS[1] the index of the key's tables (bastion:pv:k:<keyed hash of key id>)
-- Reply: how many live tables were deleted.
-- The index names the tables it deletes, which Redis Cluster would refuse; Bastion uses one Redis server.
local deleted = 0
for _, table in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  deleted = deleted + redis.call('DEL', table)
end
redis.call('DEL', KEYS[1])
return deleted
