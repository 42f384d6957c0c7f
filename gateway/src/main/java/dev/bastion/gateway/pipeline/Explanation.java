package dev.bastion.gateway.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Turns an audit record into sentences a person can read: who asked, what ran, what was decided and why. */
public final class Explanation {
    private Explanation() {
    }

    public static List<String> describe(JsonNode r) {
        List<String> out = new ArrayList<>();
        if (r.path("type").asText().equals("admin")) {
            out.add(r.path("time").asText() + ": admin action " + r.path("action").asText() + " on " + r.path("subject").asText()
                    + " by key " + r.path("key_id").asText() + ".");
            return out;
        }
        out.add(r.path("time").asText() + ": " + r.path("endpoint").asText("request") + " request "
                + r.path("request_id").asText() + ".");
        out.add(r.path("key_id").isNull() ? "The caller was not authenticated."
                : "Authenticated as key " + r.path("key_id").asText() + " of tenant " + r.path("tenant").asText() + ".");
        if (!r.path("model").isNull()) {
            out.add("Asked for model " + r.path("model").asText() + "; route " + r.path("route").asText() + " applied.");
        }
        for (JsonNode c : r.path("controls")) {
            String name = c.path("name").asText();
            switch (c.path("stage").asText()) {
                case "input" -> out.add("Input scanner " + name + (c.path("findings").isEmpty() ? " found nothing."
                        : " found " + counts(c.path("findings")) + " (highest score " + c.path("max_score").asDouble() + ")."));
                case "output" -> out.add("Output scanner " + name + " watched the answer.");
                default -> out.add(capitalised(name) + ": " + c.path("outcome").asText() + ".");
            }
        }
        if (!r.path("served_by").isNull()) {
            out.add("Answered by " + r.path("served_by").asText() + " (" + r.path("location").asText() + ") because "
                    + r.path("reason").asText("the route allowed it") + ".");
        }
        out.add("Outcome: HTTP " + r.path("status").asInt() + ", " + r.path("outcome").asText() + "; "
                + r.path("prompt_tokens").asLong() + " prompt and " + r.path("completion_tokens").asLong()
                + " completion tokens; " + r.path("latency_us").asLong() / 1000.0 + " ms.");
        return out;
    }

    private static String counts(JsonNode findings) {
        List<String> parts = new ArrayList<>();
        findings.properties().forEach(e -> parts.add(e.getKey() + " x" + e.getValue().asInt()));
        return String.join(", ", parts);
    }

    private static String capitalised(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
