package dev.bastion.gateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.Json;
import dev.bastion.store.keys.ApiKey;
import dev.bastion.store.keys.Role;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** A record is written straight to bytes, and the bytes are exactly the text the log stored before. */
class AuditRecordBytesTest {
    @Test
    void aRecordsBytesAreItsJsonTextInUtf8() {
        ObjectNode r = Json.MAPPER.createObjectNode();
        r.put("v", 1);
        r.put("time", "2026-12-06T16:30:00.123456Z");
        r.put("tenant", "Zoë \"quoted\" \\ tab\t and \u2028 and 😀 and \u0001");
        r.putNull("route");
        ObjectNode control = r.putArray("controls").addObject();
        control.put("name", "secrets");
        control.putObject("findings").put("AWS_KEY", 2);
        control.put("max_score", 0.1 + 0.2);
        r.put("latency_us", Long.MAX_VALUE);
        r.put("score", 1e-7);
        assertThat(AuditTrail.bytesOf(r)).isEqualTo(r.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(new String(AuditTrail.bytesOf(r), StandardCharsets.UTF_8)).contains("\"max_score\":0.30000000000000004");
    }

    private static final ApiKey KEY = new ApiKey("key_0123456789abcdef", new byte[] {1}, Role.USER,
            "t-1.x_y", List.of("*"), Instant.EPOCH, Optional.empty(), Optional.empty(),
            Optional.empty(), "");

    /** Records of every shape the pipeline writes: refused before authentication, answered with findings, streamed. */
    private static List<AuditRecord> records() {
        RequestFacts start = RequestFacts.start("chat.completions", "req_0a1b", 1_000L);
        RequestFacts answered = start.authenticated(KEY).routed("défault \"q\" \\ \t \u2028 \u0001", "bench-model")
                .decided("transform", List.of(new AuditRecord.Control("secrets", "input", Map.of("AWS_KEY", 2,
                        "GITHUB_TOKEN", 1), 0.1 + 0.2, null), new AuditRecord.Control("pii", "input", Map.of(), 0, "none"),
                        new AuditRecord.Control("structure", "input", Map.of("ZERO_WIDTH", 3), 1e-7, "allow")),
                        Map.of("EMAIL_ADDRESS", 1, "AWS_KEY", 2, "PERSON", 4))
                .servedBy(new RequestFacts.Served("bench-model", "local", "route default; 😀 reason"))
                .control(new AuditRecord.Control("route", "decide", Map.of(), 0, "bench-model (local)"));
        return List.of(
                new AuditRecord(start, 401, "invalid_api_key", Outcome.Usage.NONE, 12),
                new AuditRecord(answered, 200, "ok", new Outcome.Usage(20, 10), Long.MAX_VALUE),
                new AuditRecord(answered.withDecision("allow"), 200, "ok", new Outcome.Usage(0, 7), 0),
                new AuditRecord(start.authenticated(KEY), 429, "rate_limited", Outcome.Usage.NONE, 3),
                new AuditRecord(manyControls(answered), 200, "ok", new Outcome.Usage(1, 2), 5));
    }

    /** Longer than the generator's 8,000-byte buffer: written out in several pieces, not one. */
    private static RequestFacts manyControls(RequestFacts facts) {
        for (int i = 0; i < 300; i++) {
            facts = facts.control(new AuditRecord.Control("scanner-" + i + "-é😀", "output", Map.of("TYPE_" + i, i),
                    i / 7.0, i % 2 == 0 ? null : "outcome " + i));
        }
        return facts;
    }

    @Test
    void aRecordLongerThanTheGeneratorsBufferIsWrittenWhole() {
        Instant time = Instant.parse("2026-12-06T16:30:00.123456Z");
        AuditRecord big = records().getLast();
        byte[] bytes = big.toBytes(time);
        assertThat(bytes.length).isGreaterThan(3 * 8_000);
        assertThat(bytes).isEqualTo(AuditTrail.bytesOf(treeOf(big, time)));
        assertThat(new String(bytes, StandardCharsets.UTF_8)).startsWith("{\"v\":1,").endsWith("\"latency_us\":5}")
                .contains("\"name\":\"scanner-299-é😀\"");
    }

    @Test
    void aRecordWrittenStraightToBytesIsItsTreesBytes() {
        Instant time = Instant.parse("2026-12-06T16:30:00.123456Z");
        for (AuditRecord r : records()) {
            assertThat(new String(r.toBytes(time), StandardCharsets.UTF_8))
                    .isEqualTo(new String(AuditTrail.bytesOf(treeOf(r, time)), StandardCharsets.UTF_8));
            assertThat(r.toBytes(time)).isEqualTo(AuditTrail.bytesOf(treeOf(r, time)));
        }
    }

    @Test
    void usageFromARecordsValuesEqualsUsageReadBackFromItsJson() throws Exception {
        Instant time = Instant.parse("2026-12-06T23:59:59.999Z");
        for (AuditRecord r : records()) {
            assertThat(UsageRecorder.Event.of(r, time))
                    .isEqualTo(UsageRecorder.Event.of(Json.MAPPER.readTree(r.toBytes(time))));
        }
        assertThat(UsageRecorder.Event.of(records().get(1), time)).isPresent();
    }

    /**
     * The reference: the Jackson tree the trail built for a request record before {@link AuditRecord#toBytes}
     * (version 1 of the request record), written here field by field from the record's values.
     */
    private static ObjectNode treeOf(AuditRecord record, Instant time) {
        RequestFacts facts = record.facts();
        ObjectNode r = Json.MAPPER.createObjectNode();
        r.put("v", 1);
        r.put("time", time.toString());
        r.put("type", "request");
        r.put("endpoint", facts.endpoint());
        r.put("request_id", facts.requestId());
        put(r, "key_id", facts.key().map(k -> k.id()));
        put(r, "tenant", facts.key().map(k -> k.tenant()));
        put(r, "route", facts.route());
        put(r, "model", facts.model());
        put(r, "served_by", facts.servedBy().map(RequestFacts.Served::model));
        put(r, "location", facts.servedBy().map(RequestFacts.Served::location));
        put(r, "decision", facts.decision());
        put(r, "reason", facts.servedBy().map(RequestFacts.Served::reason));
        ArrayNode controls = r.putArray("controls");
        for (AuditRecord.Control c : facts.controls()) {
            ObjectNode n = controls.addObject();
            n.put("name", c.name());
            n.put("stage", c.stage());
            ObjectNode f = n.putObject("findings");
            new TreeMap<>(c.findings()).forEach(f::put);
            if (!c.findings().isEmpty()) {
                n.put("max_score", c.maxScore());
            }
            put(n, "outcome", Optional.ofNullable(c.outcome()));
        }
        ObjectNode findings = r.putObject("findings");
        new TreeMap<>(facts.findings()).forEach(findings::put);
        r.put("status", record.status());
        r.put("outcome", record.outcome());
        r.put("prompt_tokens", record.usage().promptTokens());
        r.put("completion_tokens", record.usage().completionTokens());
        r.put("latency_us", record.latencyMicros());
        return r;
    }


    private static void put(ObjectNode r, String field, Optional<String> value) {
        if (value.isPresent()) {
            r.put(field, value.get());
        } else {
            r.putNull(field);
        }
    }
}
