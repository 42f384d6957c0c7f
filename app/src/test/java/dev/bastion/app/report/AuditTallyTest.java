package dev.bastion.app.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuditTallyTest {
    private static byte[] request(String time, String tenant, String outcome, String findings) {
        return ("{\"v\":1,\"time\":\"" + time + "\",\"type\":\"request\",\"tenant\":\"" + tenant + "\",\"route\":\"r\","
                + "\"location\":\"cloud\",\"decision\":\"allow\",\"controls\":[{\"name\":\"pii\",\"findings\":"
                + "{\"NOT_COUNTED\":9},\"outcome\":null}],\"findings\":{" + findings + "},\"outcome\":\"" + outcome
                + "\",\"prompt_tokens\":10,\"completion_tokens\":5}").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] admin(String time, String action, String subject) {
        return ("{\"v\":1,\"time\":\"" + time + "\",\"type\":\"admin\",\"request_id\":null,\"key_id\":\"cli\","
                + "\"action\":\"" + action + "\",\"subject\":\"" + subject + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static AuditTally feed(Period period, Optional<String> tenant) {
        AuditTally t = new AuditTally(period, tenant);
        t.accept(request("2026-11-01T10:00:00Z", "a", "ok", "\"EMAIL_ADDRESS\":2"));
        t.accept(request("2026-11-02T10:00:00Z", "b", "secret_detected", "\"GITHUB_TOKEN\":1"));
        t.accept(request("2026-12-02T10:00:00Z", "a", "rate_limited", ""));
        t.accept(admin("2026-11-03T10:00:00Z", "subject.erase", "abc key_destroyed=true"));
        t.accept(admin("2026-11-03T11:00:00Z", "model.refused", "llama3: unsigned"));
        t.accept("not json".getBytes(StandardCharsets.UTF_8));
        t.accept("{\"type\":\"request\"}".getBytes(StandardCharsets.UTF_8));
        return t;
    }

    @Test
    void countsRequestsRefusalsEntityTypesAndAdminActionsFromTopLevelFieldsOnly() {
        AuditTally t = feed(Period.all(), Optional.empty());
        AuditCounts c = t.counts();
        assertThat(c.records()).isEqualTo(5);
        assertThat(c.requests()).isEqualTo(3);
        assertThat(c.answered()).isEqualTo(1);
        assertThat(c.refusals()).isEqualTo(Map.of("secret_detected", 1L, "rate_limited", 1L));
        assertThat(c.entityTypes()).as("a control's own findings are not counted twice")
                .isEqualTo(Map.of("EMAIL_ADDRESS", 2L, "GITHUB_TOKEN", 1L));
        assertThat(c.action("subject.erase")).isEqualTo(1);
        assertThat(c.modelsRefused()).isEqualTo(Map.of("llama3", 1L));
        assertThat(c.promptTokens()).isEqualTo(30);
        assertThat(t.unreadable()).as("not JSON, and JSON without a time").isEqualTo(2);
        assertThat(c.first()).contains(Instant.parse("2026-11-01T10:00:00Z"));
    }

    @Test
    void aPeriodAndATenantNarrowTheCountsAndATenantDropsAdminRecords() {
        Period november = new Period(Optional.of(Instant.parse("2026-11-01T00:00:00Z")),
                Optional.of(Instant.parse("2026-12-01T00:00:00Z")));
        AuditCounts c = feed(november, Optional.of("a")).counts();
        assertThat(c.records()).isEqualTo(1);
        assertThat(c.requests()).isEqualTo(1);
        assertThat(c.adminActions()).isEmpty();
        assertThat(feed(november, Optional.empty()).counts().requests()).isEqualTo(2);
    }

    @Test
    void namesBeyondTheCapAreCountedUnderOther() {
        AuditTally t = new AuditTally(Period.all(), Optional.empty());
        for (int i = 0; i < AuditTally.MAX_NAMES + 20; i++) {
            t.accept(request("2026-11-01T10:00:00Z", "a", "reason_" + i, ""));
        }
        AuditCounts c = t.counts();
        assertThat(c.refusals()).hasSize(AuditTally.MAX_NAMES + 1);
        assertThat(c.refusals().get(AuditTally.OTHER)).isEqualTo(20);
        assertThat(c.refused()).isEqualTo(AuditTally.MAX_NAMES + 20);
    }
}
