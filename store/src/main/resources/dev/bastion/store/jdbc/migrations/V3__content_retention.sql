-- Version 3: content can expire before the metadata of the same conversation (retention per data class).
ALTER TABLE conversations ADD COLUMN content_expires_at BIGINT;
