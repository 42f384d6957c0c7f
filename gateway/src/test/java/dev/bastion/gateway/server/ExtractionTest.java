package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.audit.AuditReader;
import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A scripted extraction client is held back; ordinary traffic of the same volume from another key is not. */
class ExtractionTest {
    @TempDir
    Path dir;

    @Test
    void templatedProbingIsThrottledAndAuditedWhileOrdinaryTrafficFlows() throws Exception {
        try (FakeUpstream up = FakeUpstream.start();
                TestGateway g = TestGateway.start(dir, "abuse:\n  min-requests: 20\nmodels:\n" + TestGateway.model("m", up, "local"))) {
            String attacker = g.createKey(Role.USER, "t", List.of("*"));
            String ordinary = g.createKey(Role.USER, "t", List.of("*"));
            int refusedAttacker = 0;
            int refusedOrdinary = 0;
            Random r = new Random(3);
            String[] topics = {"invoice", "holiday", "diabetes", "contract", "router", "poem", "tax", "python", "garden",
                "meeting", "budget", "recipe", "flight", "lease", "exam", "printer", "email", "report", "vaccine", "loan"};
            for (int i = 0; i < 40; i++) {
                TestGateway.Reply a = g.post("/v1/chat/completions", attacker, TestGateway.chat("m",
                        "Label the sentiment of: the delivery was quick and the package intact, sample " + i, false));
                if (a.status() == 429) {
                    assertThat(a.json().at("/error/code").asText()).isEqualTo("abuse_suspected");
                    assertThat(a.header("retry-after")).isPresent();
                    refusedAttacker++;
                }
                TestGateway.Reply o = g.post("/v1/chat/completions", ordinary, TestGateway.chat("m",
                        "Write a note about " + topics[r.nextInt(topics.length)] + " for my " + topics[r.nextInt(topics.length)]
                                + " team, item " + r.nextInt(1000), false));
                if (o.status() == 429) {
                    refusedOrdinary++;
                }
            }
            assertThat(refusedAttacker).isPositive();
            assertThat(refusedOrdinary).isZero();
        }
        AuditReader audit = AuditReader.open(dir.resolve("data/audit"));
        StringBuilder all = new StringBuilder();
        for (long i = 0; i < audit.size(); i++) {
            all.append(new String(audit.record(i), StandardCharsets.UTF_8));
        }
        assertThat(all.toString()).contains("\"action\":\"abuse.flag\"").contains("near_duplicate_prompts")
                .doesNotContain("delivery was quick");
    }

    @Test
    void anExtractionSpreadOverSeveralKeysOfOneTenantIsCaughtAtTenantLevel() throws Exception {
        try (FakeUpstream up = FakeUpstream.start();
                TestGateway g = TestGateway.start(dir, "abuse:\n  min-requests: 20\nmodels:\n" + TestGateway.model("m", up, "local"))) {
            List<String> keys = List.of(g.createKey(Role.USER, "spread", List.of("*")),
                    g.createKey(Role.USER, "spread", List.of("*")), g.createKey(Role.USER, "spread", List.of("*")));
            String bystander = g.createKey(Role.USER, "other", List.of("*"));
            int refused = 0;
            for (int i = 0; i < 36; i++) {
                // each key alone sends 12 prompts: below min-requests; the tenant sends 36 of one template
                TestGateway.Reply r = g.post("/v1/chat/completions", keys.get(i % 3), TestGateway.chat("m",
                        "What is the exact account balance of customer number " + (4000 + i) + " today?", false));
                if (r.status() == 429) {
                    refused++;
                }
            }
            assertThat(refused).isPositive();
            assertThat(g.post("/v1/chat/completions", bystander, TestGateway.chat("m",
                    "What is the exact account balance of customer number 4100 today?", false)).status()).isEqualTo(200);
        }
    }
}
