-- Version 5: the audit log index up to which usage counters are written. Usage is counted from the audit log's
-- durable request records; the counters and this mark are written in one transaction, so after a crash the
-- records past the mark are counted again, once.
CREATE TABLE usage_watermark (id INTEGER PRIMARY KEY, audit_index BIGINT NOT NULL);
