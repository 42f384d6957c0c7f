package dev.bastion.gateway.embeddings;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.Json;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;

/**
 * OpenAI's embeddings response: {@code {"object":"list","data":[{"object":"embedding","index","embedding"}],
 * "model","usage":{"prompt_tokens","total_tokens"}}}. With {@code encoding_format: base64}, each embedding is the
 * base64 of its little-endian float32 values, as OpenAI sends it.
 */
public final class EmbeddingsResponse {
    private EmbeddingsResponse() {
    }

    public static ObjectNode toJson(List<float[]> vectors, long promptTokens, String model, boolean base64) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        for (int i = 0; i < vectors.size(); i++) {
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", i);
            float[] v = vectors.get(i);
            if (base64) {
                item.put("embedding", encode(v));
            } else {
                ArrayNode values = item.putArray("embedding");
                for (float f : v) {
                    values.add(f);
                }
            }
        }
        root.put("model", model);
        ObjectNode usage = root.putObject("usage");
        usage.put("prompt_tokens", promptTokens);
        usage.put("total_tokens", promptTokens);
        return root;
    }

    /**
     * Puts an upstream's embeddings into the encoding the client asked for: some OpenAI-compatible servers ignore
     * {@code encoding_format} and always send float arrays (or base64), while clients such as the openai npm
     * package ask for base64 and decode it themselves. Items already in the right encoding are left alone.
     */
    public static void toEncoding(ObjectNode answer, boolean base64) {
        for (com.fasterxml.jackson.databind.JsonNode item : answer.path("data")) {
            if (!(item instanceof ObjectNode o)) {
                continue;
            }
            com.fasterxml.jackson.databind.JsonNode e = o.path("embedding");
            if (base64 && e.isArray()) {
                float[] v = new float[e.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) e.get(i).asDouble();
                }
                o.put("embedding", encode(v));
            } else if (!base64 && e.isTextual()) {
                ArrayNode values = o.putArray("embedding");
                for (float f : decode(e.asText())) {
                    values.add(f);
                }
            }
        }
    }

    static String encode(float[] v) {
        ByteBuffer buffer = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            buffer.putFloat(f);
        }
        return Base64.getEncoder().encodeToString(buffer.array());
    }

    static float[] decode(String base64) {
        ByteBuffer buffer = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[buffer.remaining() / Float.BYTES];
        for (int i = 0; i < v.length; i++) {
            v[i] = buffer.getFloat();
        }
        return v;
    }
}
