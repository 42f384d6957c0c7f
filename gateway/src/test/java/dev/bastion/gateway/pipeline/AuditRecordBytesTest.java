package dev.bastion.gateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.Json;
import java.nio.charset.StandardCharsets;
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
}
