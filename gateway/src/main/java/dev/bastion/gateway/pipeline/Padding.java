package dev.bastion.gateway.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Side-channel padding of streamed chunks: an {@code obfuscation} field rounds the size of an event's text up to a
 * multiple of 32 bytes, so every token of up to 32 bytes yields an event of the same size, whatever its length
 * (token-length side channels, Weiss et al. 2024). The filler is random so compression cannot undo it.
 */
final class Padding {
    private static final String FILLER = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
    static final int BLOCK = 32;

    private Padding() {
    }

    static void pad(ObjectNode chunk) {
        int text = 0;
        for (JsonNode choice : chunk.path("choices")) {
            JsonNode content = choice.path("delta").path("content");
            if (content.isTextual()) {
                text += content.toString().getBytes(StandardCharsets.UTF_8).length;
            }
        }
        int pad = BLOCK - Math.floorMod(text, BLOCK);
        StringBuilder filler = new StringBuilder(pad);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < pad; i++) {
            filler.append(FILLER.charAt(random.nextInt(FILLER.length())));
        }
        chunk.put("obfuscation", filler.toString());
    }
}
