package dev.bastion.gateway.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class TelemetryJsonLogTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final JsonLogFormatter formatter = new JsonLogFormatter();

    private JsonNode format(LogRecord record) throws Exception {
        String line = formatter.format(record);
        assertThat(line).endsWith("\n");
        assertThat(line.strip()).doesNotContain("\n");
        return JSON.readTree(line);
    }

    @Test
    void aRecordIsOneJsonLineWithTimestampLevelLoggerAndFormattedMessage() throws Exception {
        LogRecord r = new LogRecord(Level.WARNING, "model {0} answered \"slowly\"\nin {1} s");
        r.setParameters(new Object[] {"alpha", 3});
        r.setLoggerName("dev.bastion.gateway.Test");
        r.setInstant(Instant.parse("2026-12-05T10:15:30.123Z"));
        JsonNode json = format(r);
        assertThat(json.get("timestamp").asText()).isEqualTo("2026-12-05T10:15:30.123Z");
        assertThat(json.get("level").asText()).isEqualTo("WARNING");
        assertThat(json.get("logger").asText()).isEqualTo("dev.bastion.gateway.Test");
        assertThat(json.get("message").asText()).isEqualTo("model alpha answered \"slowly\"\nin 3 s");
        assertThat(json.has("request_id")).isFalse();
        assertThat(json.has("trace_id")).isFalse();
        assertThat(json.has("exception")).isFalse();
    }

    @Test
    void insideARequestTheRequestIdAndTraceIdAreWritten() throws Exception {
        SpanContext span = SpanContext.create("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", TraceFlags.getSampled(),
                TraceState.getDefault());
        LogRecord r = new LogRecord(Level.INFO, "inside");
        try (Scope _ = Context.root().with(Tracing.REQUEST_ID, "req_abc").with(Span.wrap(span)).makeCurrent()) {
            JsonNode json = format(r);
            assertThat(json.get("request_id").asText()).isEqualTo("req_abc");
            assertThat(json.get("trace_id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
            assertThat(json.get("span_id").asText()).isEqualTo("00f067aa0ba902b7");
        }
        assertThat(format(r).has("request_id")).isFalse();
    }

    @Test
    void exceptionsKeepClassesAndFramesOfEveryCauseButNotTheirMessages() throws Exception {
        String input = "sk-secret-from-a-request-body";
        Exception thrown = new IllegalStateException("wrapped " + input,
                new com.fasterxml.jackson.core.JsonParseException((com.fasterxml.jackson.core.JsonParser) null, "Unrecognized token '" + input + "'"));
        LogRecord r = new LogRecord(Level.SEVERE, "request req_1 failed");
        r.setThrown(thrown);
        String line = formatter.format(r);
        assertThat(line).doesNotContain(input);
        JsonNode exception = JSON.readTree(line).get("exception");
        assertThat(exception.get("class").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(exception.get("frames").get(0).asText()).contains("TelemetryJsonLogTest");
        assertThat(exception.at("/caused_by/class").asText()).isEqualTo("com.fasterxml.jackson.core.JsonParseException");
        assertThat(exception.at("/caused_by/caused_by").isMissingNode()).isTrue();
    }

    @Test
    void causeChainsAreBoundedAndCyclesEnd() throws Exception {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);
        LogRecord r = new LogRecord(Level.SEVERE, "cycle");
        r.setThrown(b);
        JsonNode json = format(r);
        assertThat(json.at("/exception/caused_by/class").asText()).isEqualTo("java.lang.RuntimeException");
        assertThat(json.at("/exception/caused_by/caused_by").isMissingNode()).isTrue();
        Throwable deep = new RuntimeException("leaf");
        for (int i = 0; i < 20; i++) {
            deep = new RuntimeException("level", deep);
        }
        r.setThrown(deep);
        JsonNode bounded = format(r).get("exception");
        int depth = 0;
        for (JsonNode n = bounded; n != null && !n.isMissingNode(); n = n.get("caused_by")) {
            depth++;
        }
        assertThat(depth).isEqualTo(JsonLogFormatter.MAX_CAUSES + 1);
    }
}
