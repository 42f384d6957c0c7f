-- Version 2: stored conversations. The data subject is kept only as a keyed hash; content is ciphertext
-- (base64) under the subject's data key, which lives in a separate keyring so copies of this database cannot
-- be read once the key is destroyed.
CREATE TABLE conversations (
    id            VARCHAR(40)  PRIMARY KEY,
    subject_hash  VARCHAR(128) NOT NULL,
    request_id    VARCHAR(64)  NOT NULL,
    route         VARCHAR(128) NOT NULL,
    model         VARCHAR(256) NOT NULL,
    created_at    BIGINT       NOT NULL,
    expires_at    BIGINT       NOT NULL,
    metadata      TEXT         NOT NULL,
    content       TEXT
);

CREATE INDEX conversations_subject ON conversations (subject_hash);

CREATE INDEX conversations_expiry ON conversations (expires_at);
