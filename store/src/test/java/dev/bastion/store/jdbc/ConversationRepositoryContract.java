package dev.bastion.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.store.conversations.ConversationRepository;
import dev.bastion.store.conversations.ConversationRepository.Purged;
import dev.bastion.store.conversations.StoredConversation;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What every {@link ConversationRepository} does; run on SQLite and PostgreSQL. */
abstract class ConversationRepositoryContract extends DatabaseTestBase {
    private static final Instant T0 = Instant.ofEpochMilli(1_700_000_000_000L);

    static StoredConversation conversation(String id, String subject, long lifeMillis, long contentMillis,
            Optional<String> content) {
        return new StoredConversation(id, subject, "req_" + id, "default", "m", T0, T0.plusMillis(lifeMillis),
                T0.plusMillis(contentMillis), "{\"n\":1}", content);
    }

    @Test
    void conversationsRoundTripPerSubjectInOrder() {
        ConversationRepository conversations = new JdbcConversationRepository(db);
        StoredConversation a = conversation("conv_a", "s1", 1000, 500, Optional.of("Y2lwaGVy"));
        StoredConversation b = conversation("conv_b", "s1", 1000, 1000, Optional.empty());
        StoredConversation other = conversation("conv_c", "s2", 1000, 1000, Optional.empty());
        conversations.insertConversation(a);
        conversations.insertConversation(b);
        conversations.insertConversation(other);
        assertThat(conversations.conversations("s1")).containsExactly(a, b);
        assertThat(conversations.conversations("nobody")).isEmpty();
        assertThat(conversations.subjectsWithContent()).containsExactly("s1");
    }

    @Test
    void erasingASubjectDeletesOnlyItsConversations() {
        ConversationRepository conversations = new JdbcConversationRepository(db);
        conversations.insertConversation(conversation("conv_a", "s1", 1000, 1000, Optional.empty()));
        conversations.insertConversation(conversation("conv_b", "s1", 1000, 1000, Optional.empty()));
        conversations.insertConversation(conversation("conv_c", "s2", 1000, 1000, Optional.empty()));
        assertThat(conversations.deleteConversations("s1")).isEqualTo(2);
        assertThat(conversations.deleteConversations("s1")).isZero();
        assertThat(conversations.conversations("s2")).hasSize(1);
    }

    @Test
    void retentionDropsExpiredContentFirstAndExpiredRowsLater() {
        ConversationRepository conversations = new JdbcConversationRepository(db);
        conversations.insertConversation(conversation("conv_a", "s1", 1000, 100, Optional.of("Y2lwaGVy")));
        conversations.insertConversation(conversation("conv_b", "s2", 5000, 5000, Optional.of("Y2lwaGVy")));
        assertThat(conversations.purgeExpiredConversations(T0.plusMillis(50))).isEqualTo(new Purged(0, 0));
        assertThat(conversations.purgeExpiredConversations(T0.plusMillis(200))).isEqualTo(new Purged(1, 0));
        assertThat(conversations.conversations("s1").getFirst().content()).isEmpty();
        assertThat(conversations.subjectsWithContent()).containsExactly("s2");
        assertThat(conversations.purgeExpiredConversations(T0.plusMillis(2000))).isEqualTo(new Purged(0, 1));
        assertThat(conversations.conversations("s1")).isEmpty();
        assertThat(conversations.conversations("s2")).hasSize(1);
    }
}
