package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PII scanner as a route stage: pseudonymised values never reach a cloud model; a blocked type refuses. */
class PiiGatewayTest {
    @TempDir
    Path dir;

    @Test
    void anEmailIsPseudonymisedBeforeTheCloudModelAndACardNumberIsRefused() {
        try (FakeUpstream up = FakeUpstream.start().answer("noted")) {
            String yaml = "models:\n" + TestGateway.model("cloud", up, "cloud") + """
                    routes:
                      - name: pii
                        input-scanners: [structure, pii]
                        actions: {EMAIL_ADDRESS: pseudonymise, PHONE_NUMBER: pseudonymise, CREDIT_CARD: block}
                    """;
            try (TestGateway g = TestGateway.start(dir, yaml)) {
                String key = g.createKey(Role.USER, "t", List.of("*"));
                TestGateway.Reply ok = g.post("/v1/chat/completions", key, TestGateway.chat("cloud",
                        "Draft a reply to maria.rossi@example.org and call her on +44 20 7946 0958.", false));
                assertThat(ok.status()).isEqualTo(200);
                String sent = up.received().getLast().body().toString();
                assertThat(sent).doesNotContain("maria.rossi@example.org").doesNotContain("7946 0958");
                TestGateway.Reply card = g.post("/v1/chat/completions", key, TestGateway.chat("cloud",
                        "My card is 4111 1111 1111 1111, please remember it.", false));
                assertThat(card.status()).isEqualTo(403);
                assertThat(card.body()).contains("CREDIT_CARD").doesNotContain("4111");
                assertThat(up.calls()).isEqualTo(1);
            }
        }
    }

    @Test
    void personalDataInAnswersIsRedactedCompleteAndStreamed() {
        try (FakeUpstream up = FakeUpstream.start().answer("Sure, write to jane.roe@example.org or call +44 20 7946 0958.")
                .chunkByWords(true)) {
            String yaml = "models:\n" + TestGateway.model("m", up, "local") + """
                    routes:
                      - name: answers
                        output-scanners: [pii]
                        actions: {EMAIL_ADDRESS: redact, PHONE_NUMBER: redact}
                    """;
            try (TestGateway g = TestGateway.start(dir, yaml)) {
                String key = g.createKey(Role.USER, "t", List.of("*"));
                TestGateway.Reply whole = g.post("/v1/chat/completions", key, TestGateway.chat("m", "contact?", false));
                assertThat(whole.status()).isEqualTo(200);
                assertThat(whole.body()).doesNotContain("jane.roe@example.org").doesNotContain("7946 0958")
                        .contains("Sure, write to");
                TestGateway.Reply streamed = g.post("/v1/chat/completions", key, TestGateway.chat("m", "contact?", true));
                assertThat(streamed.status()).isEqualTo(200);
                String text = String.join("", streamed.events());
                assertThat(text).doesNotContain("jane.roe@example.org").doesNotContain("example.org")
                        .doesNotContain("7946");
            }
        }
    }
}
