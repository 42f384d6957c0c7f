package dev.bastion.gateway.config;

import dev.bastion.crypto.Envelope;
import java.time.Duration;
import java.util.Objects;

/**
 * Stored conversations (keys under {@code conversations}); whether a route stores anything is its {@code storage}.
 *
 * @param subjectHeader request header naming the data subject; without it, the API key is the subject
 * @param masterKey where the master key that wraps every subject's data key comes from
 * @param purgeInterval how often expired conversations are deleted
 */
public record ConversationSettings(String subjectHeader, Envelope.MasterKeySource masterKey, Duration purgeInterval) {
    public ConversationSettings {
        Objects.requireNonNull(subjectHeader, "conversations.subject-header");
        if (!subjectHeader.matches("[A-Za-z0-9-]{1,64}")) {
            throw new IllegalArgumentException("conversations.subject-header must be a header name, got '" + subjectHeader + "'");
        }
        Objects.requireNonNull(masterKey, "conversations.master-key-*");
        ServerSettings.requirePositive(purgeInterval, "conversations.purge-interval");
    }
}
