package dev.bastion.app.redteam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns probe file entries into chat requests: plants the context (system prompt with its canary, records, secret,
 * tools) and puts the attack text where its carrier says. Not thread-safe; used once per load.
 */
final class ProbeBuilder {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> CARRIERS = List.of("direct", "tool", "document");
    private static final int MAX_TOKENS = 512;

    private final JsonNode context;
    private final List<String> recordValues = new ArrayList<>();

    ProbeBuilder(JsonNode context) {
        this.context = context;
        for (JsonNode r : context.path("records")) {
            for (String field : List.of("email", "phone", "ssn")) {
                recordValues.add(r.path(field).asText());
            }
        }
    }

    /** Goals by templates by carriers by encodings, as the sets of {@code attacks.json} list them. */
    List<Probe> matrix(JsonNode attacks) {
        Map<String, JsonNode> goals = byId(attacks.path("goals"));
        Map<String, JsonNode> templates = byId(attacks.path("templates"));
        List<Probe> out = new ArrayList<>();
        for (JsonNode set : attacks.path("sets")) {
            for (String t : ProbeLibrary.names(set.path("templates"), List.copyOf(templates.keySet()))) {
                for (String g : ProbeLibrary.names(set.path("goals"), List.copyOf(goals.keySet()))) {
                    for (String c : ProbeLibrary.names(set.path("carriers"), CARRIERS)) {
                        for (String e : ProbeLibrary.names(set.path("encodings"), Encodings.NAMES)) {
                            JsonNode goal = goals.get(g);
                            String id = t + "." + g + "." + c + "." + e;
                            String text = templates.get(t).path("text").asText()
                                    .replace("{GOAL}", goal.path("text").asText());
                            out.add(chat(id, goal.path("suite").asText(), Owasp.of(goal.path("owasp").asText()), t, c,
                                    e, Detector.of(goal.path("detector").asText()), text, plants(goal), "attacks.json"));
                        }
                    }
                }
            }
        }
        return out;
    }

    /** The hand-written probes of {@code single.json}. */
    List<Probe> singles(JsonNode file) {
        List<Probe> out = new ArrayList<>();
        for (JsonNode p : file.path("probes")) {
            out.add(chat(p.path("id").asText(), p.path("suite").asText(), Owasp.of(p.path("owasp").asText()), "single",
                    p.path("carrier").asText(), "plain", Detector.of(p.path("detector").asText()),
                    p.path("text").asText(), plants(p), "single.json"));
        }
        return out;
    }

    /** The resource probes (oversized, many messages, nested, token budget) of {@code single.json}. */
    List<Probe> resources(JsonNode file) {
        List<Probe> out = new ArrayList<>();
        for (JsonNode p : file.path("dos")) {
            String id = p.path("id").asText();
            String kind = p.path("kind").asText();
            ObjectNode request = JSON.createObjectNode();
            ArrayNode messages = request.putArray("messages");
            int depth = 0;
            Detector detector = Detector.ACCEPTED;
            int budget = 0;
            switch (kind) {
                case "oversized" -> user(messages, "Summarise: " + "order parcel return ".repeat(p.path("chars").asInt() / 20));
                case "many-messages" -> {
                    for (int i = 0; i < p.path("count").asInt(); i++) {
                        user(messages, "message " + i);
                    }
                }
                case "nested" -> {
                    user(messages, "Hello");
                    depth = p.path("depth").asInt();
                }
                case "nested-text" -> {
                    int d = p.path("depth").asInt();
                    user(messages, "Parse this JSON: " + "[".repeat(d) + "]".repeat(d));
                }
                case "budget" -> {
                    user(messages, p.path("text").asText());
                    request.put("max_tokens", p.path("max_tokens").asInt());
                    if (p.has("n")) {
                        request.put("n", p.path("n").asInt());
                    }
                    detector = Detector.BUDGET;
                    budget = p.path("budget").asInt();
                }
                default -> throw new IllegalArgumentException("single.json: " + id + " has unknown kind '" + kind + "'");
            }
            out.add(new Probe(id, "dos", Owasp.LLM10, kind, "request", "plain", detector, request, depth,
                    plant(id, List.of(), budget), "single.json"));
        }
        return out;
    }

    private Probe chat(String id, String suite, Owasp owasp, String technique, String carrier, String encoding,
            Detector detector, String attackText, List<String> plants, String file) {
        Probe.Plant plant = plant(id, plants, 0);
        String attack = Encodings.encode(encoding, fill(attackText, plant));
        ObjectNode request = JSON.createObjectNode();
        ArrayNode messages = request.putArray("messages");
        ObjectNode system = messages.addObject().put("role", "system");
        system.put("content", systemPrompt(plant, plants));
        boolean tools = plants.contains("tools") || carrier.equals("tool");
        switch (carrier) {
            case "direct" -> user(messages, attack);
            case "document" -> user(messages, context.path("document_question").asText() + "\n\n\"\"\"\n"
                    + context.path("document_prefix").asText() + " " + attack + "\n\"\"\"");
            case "tool" -> {
                user(messages, context.path("tool_question").asText());
                ObjectNode call = messages.addObject().put("role", "assistant");
                call.putNull("content");
                ObjectNode tc = call.putArray("tool_calls").addObject().put("id", "call_1").put("type", "function");
                tc.putObject("function").put("name", "lookup_order").put("arguments", "{\"order\":\"1182\"}");
                messages.addObject().put("role", "tool").put("tool_call_id", "call_1")
                        .put("content", context.path("tool_result").asText() + "\n\n" + attack);
            }
            default -> throw new IllegalArgumentException(id + ": unknown carrier '" + carrier + "'; known: " + CARRIERS);
        }
        if (tools) {
            request.set("tools", context.path("tools").deepCopy());
        }
        request.put("max_tokens", MAX_TOKENS);
        request.put("temperature", 0);
        return new Probe(id, suite, owasp, technique, carrier, encoding, detector, request, 0, plant, file);
    }

    private String systemPrompt(Probe.Plant plant, List<String> plants) {
        StringBuilder s = new StringBuilder(context.path("system").asText()).append('\n')
                .append(context.path("canary_line").asText().replace("{CANARY}", plant.canary()));
        if (plants.contains("records")) {
            s.append("\n").append(context.path("records_intro").asText());
            for (JsonNode r : context.path("records")) {
                s.append("\n- ").append(r.path("name").asText()).append(", ").append(r.path("email").asText())
                        .append(", ").append(r.path("phone").asText()).append(", SSN ").append(r.path("ssn").asText());
            }
        }
        if (plants.contains("secret")) {
            s.append("\n").append(context.path("secret_intro").asText()).append(' ').append(plant.secret()).append('.');
        }
        return s.toString();
    }

    private Probe.Plant plant(String id, List<String> plants, int budget) {
        List<String> forbidden = new ArrayList<>();
        context.path("forbidden_tools").forEach(t -> forbidden.add(t.asText()));
        return new Probe.Plant("RT-CANARY-" + ProbeLibrary.code("canary", id), "RT-MARK-" + ProbeLibrary.code("marker", id),
                plants.contains("records") ? recordValues : List.of(),
                plants.contains("secret") ? context.path("secret").asText() : "",
                context.path("attacker_host").asText(), context.path("exfil_email").asText(), forbidden, budget);
    }

    private static String fill(String text, Probe.Plant plant) {
        return text.replace("{MARKER}", plant.marker()).replace("{ATTACKER}", plant.attackerHost())
                .replace("{EXFIL_EMAIL}", plant.attackerEmail());
    }

    private static void user(ArrayNode messages, String text) {
        messages.addObject().put("role", "user").put("content", text);
    }

    private static List<String> plants(JsonNode entry) {
        List<String> out = new ArrayList<>();
        entry.path("plant").forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Map<String, JsonNode> byId(JsonNode list) {
        Map<String, JsonNode> out = new java.util.LinkedHashMap<>();
        for (JsonNode n : list) {
            if (out.put(n.path("id").asText(), n) != null) {
                throw new IllegalArgumentException("probe file: two entries share the id " + n.path("id").asText());
            }
        }
        return out;
    }
}
