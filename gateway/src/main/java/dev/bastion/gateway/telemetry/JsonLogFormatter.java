package dev.bastion.gateway.telemetry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * Writes each {@code java.util.logging} record as one JSON object on one line, through Jackson: {@code timestamp}
 * (ISO-8601, UTC), {@code level}, {@code logger}, {@code message}, then {@code request_id}, {@code trace_id} and
 * {@code span_id} when the record was logged while handling a request, and {@code exception} for a record with a
 * throwable.
 *
 * <p>An exception is written as its class and stack frames, with its causes, but without its message: messages of
 * parser and library exceptions can quote the input they failed on (a prompt, a header, a key), and the frames are
 * our own code. The log message itself is the gateway's own text, which never holds prompts, answers, keys or
 * matched values (CanaryTest holds this for both formats). Thread-safe.
 */
public final class JsonLogFormatter extends Formatter {
    private static final JsonFactory JSON = new JsonFactory();
    /** Frames kept per exception: enough to find the code, bounded so one record stays one readable line. */
    static final int MAX_FRAMES = 40;
    /** Causes followed per record. */
    static final int MAX_CAUSES = 8;

    @Override
    public String format(LogRecord record) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("timestamp", record.getInstant().toString());
            g.writeStringField("level", record.getLevel().getName());
            g.writeStringField("logger", record.getLoggerName() == null ? "" : record.getLoggerName());
            g.writeStringField("message", formatMessage(record));
            String requestId = Context.current().get(Tracing.REQUEST_ID);
            if (requestId != null) {
                g.writeStringField("request_id", requestId);
            }
            SpanContext span = Span.current().getSpanContext();
            if (span.isValid()) {
                g.writeStringField("trace_id", span.getTraceId());
                g.writeStringField("span_id", span.getSpanId());
            }
            if (record.getThrown() != null) {
                g.writeFieldName("exception");
                exception(g, record.getThrown());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.append('\n').toString();
    }

    private static void exception(JsonGenerator g, Throwable thrown) throws IOException {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        g.writeStartObject();
        Throwable t = thrown;
        for (int depth = 0; t != null && depth <= MAX_CAUSES && seen.put(t, Boolean.TRUE) == null; depth++) {
            if (depth > 0) {
                g.writeFieldName("caused_by");
                g.writeStartObject();
            }
            g.writeStringField("class", t.getClass().getName());
            g.writeArrayFieldStart("frames");
            StackTraceElement[] frames = t.getStackTrace();
            for (int i = 0; i < Math.min(frames.length, MAX_FRAMES); i++) {
                g.writeString(frames[i].toString());
            }
            g.writeEndArray();
            t = t.getCause();
        }
        g.writeEndObject();
        for (int i = 1; i < seen.size(); i++) {
            g.writeEndObject(); // nested caused_by objects
        }
    }
}
