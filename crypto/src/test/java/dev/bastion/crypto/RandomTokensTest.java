package dev.bastion.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RandomTokensTest {
    @Test
    void tokenHasPrefixAnd256BitsOfBase64UrlBody() {
        String token = RandomTokens.secure().token("bsk_", 32).toUtf8(InsecureSecretAccess.get());
        assertThat(token).startsWith("bsk_").matches("bsk_[A-Za-z0-9_-]{43}");
    }

    @Test
    void tokensDoNotRepeat() {
        RandomTokens tokens = RandomTokens.secure();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            assertThat(seen.add(tokens.token("t_", 16).toUtf8(InsecureSecretAccess.get()))).isTrue();
        }
    }

    @Test
    void tooShortTokenIsRefused() {
        assertThatThrownBy(() -> RandomTokens.secure().token("x", 8)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void secretBytesNeverPrintsItsContent() {
        SecretBytes secret = SecretBytes.ofUtf8("canary-value", InsecureSecretAccess.get());
        assertThat(secret.toString()).doesNotContain("canary");
        assertThat(String.valueOf(secret)).isEqualTo("SecretBytes[redacted]");
    }
}
