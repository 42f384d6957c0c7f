-- Version 1: API keys and usage counters. Portable SQL for SQLite and PostgreSQL.
-- Times are epoch milliseconds (UTC); key hashes are lower-case hex of the keyed hash.
CREATE TABLE api_keys (
    id              VARCHAR(40)  PRIMARY KEY,
    hash_hex        VARCHAR(128) NOT NULL UNIQUE,
    role            VARCHAR(16)  NOT NULL,
    tenant          VARCHAR(64)  NOT NULL,
    models          TEXT         NOT NULL,
    created_at      BIGINT       NOT NULL,
    expires_at      BIGINT,
    revoked_at      BIGINT,
    limit_rpm       INTEGER,
    limit_tpm       BIGINT,
    limit_concurrent INTEGER,
    label           TEXT         NOT NULL
);

CREATE TABLE usage_counters (
    day               VARCHAR(10) NOT NULL,
    tenant            VARCHAR(64) NOT NULL,
    key_id            VARCHAR(40) NOT NULL,
    model             VARCHAR(256) NOT NULL,
    requests          BIGINT NOT NULL,
    prompt_tokens     BIGINT NOT NULL,
    completion_tokens BIGINT NOT NULL,
    PRIMARY KEY (day, tenant, key_id, model)
);
