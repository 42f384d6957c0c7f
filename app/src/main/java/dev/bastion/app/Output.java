package dev.bastion.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.Json;
import java.io.UncheckedIOException;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * {@code --format text|json} for a command that prints a result. In JSON the whole result is one JSON value (an
 * object, or an array for listings) on standard output and nothing else is written there; messages for people go
 * to standard error in both formats. Commands mix this in ({@code @Mixin Output output}) rather than declaring
 * the option themselves, so every command spells and checks it the same way.
 */
final class Output {
    @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
            description = "text (the default) or json: one JSON value on standard output, nothing else.")
    String format;

    @Option(names = "--json", hidden = true, description = "Same as --format json.")
    boolean jsonFlag;

    /** Whether the result is to be printed as JSON; an unknown format is a usage error naming the value. */
    boolean json() {
        String f = format.strip().toLowerCase(Locale.ROOT);
        return switch (f) {
            case "json" -> true;
            case "text" -> jsonFlag;
            default -> throw new IllegalArgumentException("--format is text or json, got '" + format + "'");
        };
    }

    /** A new JSON object to fill in. */
    static ObjectNode object() {
        return Json.MAPPER.createObjectNode();
    }

    /** A new JSON array to fill in. */
    static ArrayNode array() {
        return Json.MAPPER.createArrayNode();
    }

    /** Prints {@code value} as one line of JSON on standard output. */
    static void print(JsonNode value) {
        try {
            System.out.println(Json.MAPPER.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write the result as JSON", e);
        }
        System.out.flush();
    }
}
