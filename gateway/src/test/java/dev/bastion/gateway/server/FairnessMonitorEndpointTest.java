package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.audit.AuditReader;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live fairness monitor over real HTTP: batches, refusals, roles, and the alert's audit record and metric. */
class FairnessMonitorEndpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OUTCOMES = "/admin/v1/fairness/outcomes";
    private static final String STATUS = "/admin/v1/fairness/status";

    @TempDir
    static Path dir;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start(dir, """
                server:
                  max-body-size: 64KiB
                fairness-monitors:
                  - name: credit
                    attributes: [sex]
                    window-size: 20
                    baseline-windows: 1
                    bound: 0.05
                    metrics: [fpr]
                    max-pending: 50
                  - name: hiring
                    attributes: [sex]
                    window-size: 20
                """);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void aBatchOfDecisionsAndLaterOutcomesIsCountedByRequestId() {
        TestGateway.Reply first = gateway.post(OUTCOMES, gateway.adminKey(), """
                {"monitor": "hiring", "decisions": [
                  {"request_id": "h-1", "groups": {"sex": "female"}, "decision": 1},
                  {"request_id": "h-2", "groups": {"sex": "male"}, "decision": false},
                  {"request_id": "h-3", "groups": {"sex": "male"}, "decision": 0, "label": 1}]}
                """);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().path("decisions").asInt()).isEqualTo(3);
        assertThat(first.json().path("resolved").asInt()).isEqualTo(1);
        TestGateway.Reply later = gateway.post(OUTCOMES, gateway.adminKey(), """
                {"monitor": "hiring", "outcomes": [{"request_id": "h-1", "label": 0}, {"request_id": "h-9", "label": true}]}
                """);
        assertThat(later.status()).isEqualTo(200);
        assertThat(later.json().path("resolved").asInt()).isEqualTo(1);
        assertThat(later.json().path("orphans").asInt()).isEqualTo(1);
        JsonNode hiring = monitor("hiring");
        assertThat(hiring.path("pending").asInt()).isEqualTo(1);
        assertThat(hiring.path("resolved").asInt()).isEqualTo(2);
        assertThat(hiring.path("orphans").asInt()).isEqualTo(1);
        assertThat(hiring.path("groups").findValuesAsText("group")).containsExactly("sex=female", "sex=male");
    }

    @Test
    void malformedBatchesGetAClearErrorAndChangeNothing() {
        long before = monitor("hiring").path("decisions").asLong();
        expectError(gateway.post(OUTCOMES, gateway.adminKey(), "{\"monitor\": \"hiring\", \"decisions\": ["), 400,
                "invalid_json");
        expectError(gateway.post(OUTCOMES, gateway.adminKey(), new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'}),
                400, "invalid_utf8");
        expectError(gateway.post(OUTCOMES, gateway.adminKey(), """
                {"monitor": "hiring", "decisions": [{"request_id": "x", "groups": {"sex": "f"}, "decision": 1,
                 "prompt": "secret canary text"}]}"""), 400, "unknown_field");
        expectError(gateway.post(OUTCOMES, gateway.adminKey(), """
                {"monitor": "hiring", "decisions": [{"request_id": "x", "groups": {"sex": "f"}, "decision": 2}]}"""),
                400, "invalid_decisions_0_decision");
        expectError(gateway.post(OUTCOMES, gateway.adminKey(), """
                {"monitor": "hiring", "decisions": [{"request_id": "x", "groups": {"age": "42"}, "decision": 1}]}"""),
                400, "wrong_group_attributes");
        expectError(gateway.post(OUTCOMES, gateway.adminKey(), "{\"monitor\": \"nobody\"}"), 404, "monitor_not_found");
        expectError(gateway.post(OUTCOMES, gateway.adminKey(), "{\"monitor\": \"hiring\", \"outcomes\": [{\"request_id\": \""
                + "x".repeat(70_000) + "\", \"label\": 1}]}"), 413, "request_too_large");
        assertThat(monitor("hiring").path("decisions").asLong()).isEqualTo(before);
    }

    @Test
    void aBatchPastThePendingLimitIsRefusedWith429() {
        StringBuilder b = new StringBuilder("{\"monitor\": \"credit\", \"decisions\": [");
        for (int i = 0; i < 51; i++) {
            b.append(i == 0 ? "" : ",").append("{\"request_id\": \"p-").append(i)
                    .append("\", \"groups\": {\"sex\": \"other\"}, \"decision\": 1}");
        }
        TestGateway.Reply r = gateway.post(OUTCOMES, gateway.adminKey(), b.append("]}").toString());
        expectError(r, 429, "too_many_pending_decisions");
        assertThat(r.header("retry-after")).isPresent();
    }

    @Test
    void onlyAdminsPostAndAuditorsMayReadTheStatus() {
        String user = gateway.createKey(Role.USER, "t", List.of("*"));
        String auditor = gateway.createKey(Role.AUDITOR, "t", List.of("*"));
        String batch = "{\"monitor\": \"hiring\", \"outcomes\": []}";
        assertThat(gateway.post(OUTCOMES, user, batch).status()).isEqualTo(403);
        assertThat(gateway.post(OUTCOMES, auditor, batch).status()).isEqualTo(403);
        assertThat(gateway.post(OUTCOMES, null, batch).status()).isEqualTo(401);
        assertThat(gateway.get(STATUS, user).status()).isEqualTo(403);
        assertThat(gateway.get(STATUS, auditor).status()).isEqualTo(200);
    }

    @Test
    void aWindowThatLeavesItsBaselineIsAuditedAndCounted() throws Exception {
        // Window 1 (the baseline): 20 negatives, none flagged. Window 2: 20 negatives, all flagged: FPR 0 -> 1.
        assertThat(post(window("base", false)).path("alerts")).isEmpty();
        JsonNode second = post(window("drift", true));
        assertThat(second.path("alerts")).hasSize(1);
        JsonNode alert = second.path("alerts").get(0);
        assertThat(alert.path("group").asText()).isEqualTo("sex=female");
        assertThat(alert.path("metric").asText()).isEqualTo("fpr");
        assertThat(alert.path("window").asInt()).isEqualTo(2);
        assertThat(alert.path("ci").get(0).asDouble()).isGreaterThan(0.05);

        List<JsonNode> alerts = new ArrayList<>();
        AuditReader reader = AuditReader.open(dir.resolve("data/audit"));
        for (long i = 0; i < reader.size(); i++) {
            String text = new String(reader.record(i), StandardCharsets.UTF_8);
            assertThat(text).doesNotContain("drift-").doesNotContain("base-"); // no case's request id is ever audited
            JsonNode r = JSON.readTree(text);
            if (r.path("action").asText().equals("fairness.alert")) {
                alerts.add(r);
            }
        }
        assertThat(alerts).hasSize(1);
        assertThat(alerts.getFirst().path("subject").asText())
                .startsWith("monitor=credit group=sex=female metric=fpr window=2 value=1.0000 baseline=0.0000 ci=[");

        String metrics = gateway.get("/metrics", null).body();
        assertThat(metrics).contains(
                "bastion_fairness_alerts_total{group=\"sex=female\",metric=\"fpr\",monitor=\"credit\"} 1.0");
        assertThat(monitor("credit").path("recent_alerts")).hasSize(1);
    }

    private static String window(String prefix, boolean flagged) {
        StringBuilder b = new StringBuilder("{\"monitor\": \"credit\", \"decisions\": [");
        for (int i = 0; i < 20; i++) {
            b.append(i == 0 ? "" : ",").append("{\"request_id\": \"").append(prefix).append('-').append(i)
                    .append("\", \"groups\": {\"sex\": \"female\"}, \"decision\": ").append(flagged ? 1 : 0)
                    .append(", \"label\": 0}");
        }
        return b.append("]}").toString();
    }

    private static JsonNode post(String batch) {
        TestGateway.Reply r = gateway.post(OUTCOMES, gateway.adminKey(), batch);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static JsonNode monitor(String name) {
        TestGateway.Reply r = gateway.get(STATUS, gateway.adminKey());
        assertThat(r.status()).isEqualTo(200);
        for (JsonNode m : r.json().path("data")) {
            if (m.path("monitor").asText().equals(name)) {
                return m;
            }
        }
        throw new AssertionError("no monitor " + name + " in " + r.body());
    }

    private static void expectError(TestGateway.Reply r, int status, String code) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().at("/error/code").asText()).isEqualTo(code);
        assertThat(r.body()).doesNotContain("canary");
    }
}
