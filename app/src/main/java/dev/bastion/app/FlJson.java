package dev.bastion.app;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The pieces every `bastion fl` command writes the same way: a JSON file, a round's stages, a model's parameters. */
final class FlJson {
    private FlJson() {
    }

    /** Writes {@code json}, pretty-printed, to {@code file}. */
    static void write(Path file, ObjectNode json) {
        try {
            Files.writeString(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** One protocol stage of a round: who sent, how many bytes each way, how long it took. */
    static void stage(ArrayNode stages, String stage, int senders, long bytesUp, long bytesDown, double seconds) {
        ObjectNode o = stages.addObject();
        o.put("stage", stage);
        o.put("senders", senders);
        o.put("bytes_up", bytesUp);
        o.put("bytes_down", bytesDown);
        o.put("seconds", seconds);
    }

    /** The model's parameters, in the order its describe() names them. */
    static void parameters(ObjectNode json, double[] parameters) {
        ArrayNode params = json.putArray("parameters");
        for (double p : parameters) {
            params.add(p);
        }
    }
}
