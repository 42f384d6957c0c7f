package dev.bastion.guard.pseudonym;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.crypto.Envelope;
import dev.bastion.crypto.KeyedHasher;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OperatorTest {
    @TempDir
    Path dir;

    @Test
    void redactTagAndMaskRewriteAsDocumented() {
        assertThat(new Operator.Redact().apply("PERSON", "Ada")).isEmpty();
        assertThat(new Operator.Tag().apply("PERSON", "Ada")).isEqualTo("<PERSON>");
        assertThat(new Operator.Mask(4).apply("CREDIT_CARD", "4111 1111 1111 1111")).isEqualTo("***************1111");
        assertThat(new Operator.Mask(4).apply("AGE", "42")).isEqualTo("42");
        assertThatThrownBy(() -> new Operator.Mask(-1)).hasMessageContaining("mask keeps");
    }

    @Test
    void hashIsKeyedStableAndDistinguishesValues() {
        Operator.Hash a = new Operator.Hash(KeyedHasher.loadOrCreate(dir.resolve("a.json")));
        Operator.Hash b = new Operator.Hash(KeyedHasher.loadOrCreate(dir.resolve("b.json")));
        String h = a.apply("EMAIL_ADDRESS", "ada@example.org");
        assertThat(h).matches("<EMAIL_ADDRESS:[0-9a-f]{16}>");
        assertThat(a.apply("EMAIL_ADDRESS", "ada@example.org")).isEqualTo(h);
        assertThat(a.apply("EMAIL_ADDRESS", "bob@example.org")).isNotEqualTo(h);
        assertThat(b.apply("EMAIL_ADDRESS", "ada@example.org")).isNotEqualTo(h);
    }

    @Test
    void encryptIsReversibleOnlyWithTheSameKey() {
        Envelope envelope = Envelope.open(new Envelope.MasterKeySource.File(dir.resolve("m.json")), Map.of());
        Operator.Encrypt enc = new Operator.Encrypt(Sealer.envelope(envelope, envelope.newWrappedKey("s"), "s"));
        Operator.Encrypt other = new Operator.Encrypt(Sealer.envelope(envelope, envelope.newWrappedKey("s"), "s"));
        String token = enc.apply("PERSON", "Ada Lovelace");
        assertThat(token).startsWith("ENC<").endsWith(">").doesNotContain("Ada");
        String body = token.substring(4, token.length() - 1);
        assertThat(enc.decrypt(body)).contains("Ada Lovelace");
        assertThat(other.decrypt(body)).isEmpty();
        assertThat(enc.decrypt("not base64!")).isEmpty();
        assertThat(enc.apply("PERSON", "Ada Lovelace")).isNotEqualTo(token); // randomised
    }
}
