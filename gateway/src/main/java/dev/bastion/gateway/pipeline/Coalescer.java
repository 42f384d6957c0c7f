package dev.bastion.gateway.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Coalescing of streamed text (guard.stream-coalesce-bytes and -interval): chunks that carry nothing but choice 0's
 * text are held and sent as one frame once at least {@code bytes} bytes are held and {@code interval} has passed
 * since the last frame, so the sizes and timing of events reveal less about single tokens. Any other chunk first
 * sends what is held, in order. With both settings zero it passes every chunk through. Not thread-safe.
 */
final class Coalescer {
    private final int bytes;
    private final long intervalNanos;
    private final Function<String, ObjectNode> frame;
    private final StringBuilder pending = new StringBuilder();
    private int pendingBytes;
    private long lastFrame = System.nanoTime();

    /** @param frame makes a chunk carrying choice 0's text */
    Coalescer(int bytes, java.time.Duration interval, Function<String, ObjectNode> frame) {
        if (bytes < 0 || interval.isNegative()) {
            throw new IllegalArgumentException("coalescing bytes and interval must not be negative");
        }
        this.bytes = bytes;
        this.intervalNanos = interval.toNanos();
        this.frame = frame;
    }

    /** The chunks to send now, in order, for {@code chunk} (possibly none while text is held). */
    List<ObjectNode> push(ObjectNode chunk) {
        if (bytes == 0 && intervalNanos == 0) {
            return List.of(chunk);
        }
        String text = plainText(chunk);
        if (text == null) {
            List<ObjectNode> out = new ArrayList<>(drain());
            out.add(chunk);
            return out;
        }
        pending.append(text);
        pendingBytes += text.getBytes(StandardCharsets.UTF_8).length;
        boolean bigEnough = pendingBytes >= bytes;
        boolean late = intervalNanos == 0 || System.nanoTime() - lastFrame >= intervalNanos;
        return bigEnough && late ? drain() : List.of();
    }

    /** What is held, as one frame; none when nothing is. */
    List<ObjectNode> drain() {
        if (pending.isEmpty()) {
            return List.of();
        }
        ObjectNode out = frame.apply(pending.toString());
        pending.setLength(0);
        pendingBytes = 0;
        lastFrame = System.nanoTime();
        return List.of(out);
    }

    /** The content of a chunk that carries nothing but choice 0's text, else null. */
    private static String plainText(ObjectNode chunk) {
        JsonNode choices = chunk.path("choices");
        if (!choices.isArray() || choices.size() != 1) {
            return null;
        }
        JsonNode c = choices.get(0);
        JsonNode delta = c.path("delta");
        if (c.path("index").asInt(0) != 0 || c.hasNonNull("finish_reason") || (c.has("logprobs") && !c.get("logprobs").isNull())
                || delta.size() != 1 || !delta.path("content").isTextual()) {
            return null;
        }
        return delta.get("content").asText();
    }
}
