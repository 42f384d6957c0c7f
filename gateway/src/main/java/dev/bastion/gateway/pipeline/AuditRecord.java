package dev.bastion.gateway.pipeline;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One request's audit record, built from its stages' results ({@link RequestFacts}) and how it ended: who asked,
 * what was decided and why, how it ended. It never holds prompt or answer text, matched values or keys.
 */
public record AuditRecord(RequestFacts facts, int status, String outcome, Outcome.Usage usage, long latencyMicros) {
    public AuditRecord {
        Objects.requireNonNull(facts, "facts");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(usage, "usage");
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("not an HTTP status: " + status);
        }
    }

    /**
     * One control that ran on the request, in order: a scanner with the finding types it reported (counts and the
     * highest score), or a stage such as {@code policy} or {@code route} with its outcome.
     */
    public record Control(String name, String stage, Map<String, Integer> findings, double maxScore, String outcome) {
        public Control {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(stage, "stage");
            findings = Map.copyOf(findings);
        }
    }

    /**
     * The record as the log stores it (version 1 of the request record), written straight to UTF-8 bytes: exactly
     * the bytes the Jackson tree of the same fields, written by {@link AuditTrail#bytesOf}, gave before (same fields,
     * order, numbers and escapes; {@code AuditRecordBytesTest} keeps that tree as its reference), without building
     * the tree, which was most of a record's allocation.
     */
    byte[] toBytes(Instant time) {
        ExactBytes out = new ExactBytes();
        try (com.fasterxml.jackson.core.JsonGenerator g = AuditTrail.RECORD_WRITER.createGenerator(out,
                com.fasterxml.jackson.core.JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeNumberField("v", 1);
            g.writeStringField("time", time.toString());
            g.writeStringField("type", "request");
            g.writeStringField("endpoint", facts.endpoint());
            g.writeStringField("request_id", facts.requestId());
            write(g, "key_id", facts.key().map(k -> k.id()));
            write(g, "tenant", facts.key().map(k -> k.tenant()));
            write(g, "route", facts.route());
            write(g, "model", facts.model());
            write(g, "served_by", facts.servedBy().map(RequestFacts.Served::model));
            write(g, "location", facts.servedBy().map(RequestFacts.Served::location));
            write(g, "decision", facts.decision());
            write(g, "reason", facts.servedBy().map(RequestFacts.Served::reason));
            g.writeArrayFieldStart("controls");
            for (Control c : facts.controls()) {
                g.writeStartObject();
                g.writeStringField("name", c.name());
                g.writeStringField("stage", c.stage());
                writeCounts(g, "findings", c.findings());
                if (!c.findings().isEmpty()) {
                    g.writeNumberField("max_score", c.maxScore());
                }
                write(g, "outcome", Optional.ofNullable(c.outcome()));
                g.writeEndObject();
            }
            g.writeEndArray();
            writeCounts(g, "findings", facts.findings());
            g.writeNumberField("status", status);
            g.writeStringField("outcome", outcome);
            g.writeNumberField("prompt_tokens", usage.promptTokens());
            g.writeNumberField("completion_tokens", usage.completionTokens());
            g.writeNumberField("latency_us", latencyMicros);
            g.writeEndObject();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("an audit record could not be written to memory", e); // a bug
        }
        return out.bytes();
    }

    /**
     * What a generator wrote, as one array of exactly its length. The generator keeps its own buffer (8,000 bytes,
     * reused through Jackson's buffer recycler) and hands a record that fits in it over in a single write at close,
     * which is copied once, to its exact size. A {@code ByteArrayOutputStream(1024)} allocated 1 KiB, grew to 2 KiB
     * for the default route's record and copied it again in {@code toByteArray}: ~4.3 kB against ~1.3 kB per record
     * (docs/benchmarks.md, gateway overhead, round sixteen). A longer record (flushed in several writes) is appended
     * write by write, each copying what came before: fine for the rare record of many kilobytes.
     */
    private static final class ExactBytes extends java.io.OutputStream {
        private static final byte[] NONE = new byte[0];
        private byte[] bytes = NONE;

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            Objects.checkFromIndexSize(off, len, b.length);
            byte[] joined = java.util.Arrays.copyOf(bytes, Math.addExact(bytes.length, len));
            System.arraycopy(b, off, joined, bytes.length, len);
            bytes = joined;
        }

        byte[] bytes() {
            return bytes;
        }
    }

    /** Counts by name, in name order (as the tree's {@code TreeMap} copy wrote them). */
    private static void writeCounts(com.fasterxml.jackson.core.JsonGenerator g, String field, Map<String, Integer> counts)
            throws java.io.IOException {
        g.writeObjectFieldStart(field);
        if (!counts.isEmpty()) {
            for (Map.Entry<String, Integer> e : (counts.size() == 1 ? counts : new TreeMap<>(counts)).entrySet()) {
                g.writeNumberField(e.getKey(), e.getValue());
            }
        }
        g.writeEndObject();
    }

    private static void write(com.fasterxml.jackson.core.JsonGenerator g, String field, Optional<String> value)
            throws java.io.IOException {
        if (value.isPresent()) {
            g.writeStringField(field, value.get());
        } else {
            g.writeNullField(field);
        }
    }

}
