-- Version 5: per audit log (named by the id of its signing key; each gateway's data directory has its own), the
-- index up to which usage counters are written. Usage is counted from the log's durable request records; the
-- counters and this mark are written in one transaction, so after a crash the records past the mark are counted
-- again, once. Replicas sharing one database keep one row each.
CREATE TABLE usage_watermark (log_id VARCHAR(128) PRIMARY KEY, audit_index BIGINT NOT NULL);
