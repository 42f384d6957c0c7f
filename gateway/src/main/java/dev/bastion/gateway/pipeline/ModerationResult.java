package dev.bastion.gateway.pipeline;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.Json;
import dev.bastion.guard.Finding;
import dev.bastion.guard.exfiltration.ExfiltrationScanner;
import dev.bastion.guard.injection.InjectionScanner;
import dev.bastion.guard.pii.PiiScanner;
import dev.bastion.guard.secrets.SecretsScanner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The moderation verdict on one input: each category's flag and score, in OpenAI's moderation shape.
 *
 * <p>Bastion's categories, each true when its scanner reported a finding: {@value #INJECTION} (direct prompt
 * injection or jailbreak), {@value #INDIRECT_INJECTION} (instructions hidden in content marked as tool content),
 * {@value #PII} (personal data; {@code pii/<type>} sub-categories, such as {@code pii/email_address}, for the types
 * found), {@value #SECRETS} (credentials; informational findings such as a username or a placeholder do not count)
 * and {@value #EXFILTRATION} (markdown images or links that would send data to a host not allowed). A score is the
 * highest confidence of that category's findings, in [0, 1]: for injection, the injection model's probability;
 * 0 when the scanner reported nothing (scanners report nothing below their thresholds). OpenAI's harm categories
 * ({@link #OPENAI_CATEGORIES}) are always present, false with score 0: Bastion does not judge harm.
 *
 * @param flagged whether any of Bastion's categories is true
 * @param scores each category's score; a category is true when its score is above 0
 */
record ModerationResult(boolean flagged, Map<String, Double> scores) {
    static final String INJECTION = "prompt-injection";
    static final String INDIRECT_INJECTION = "indirect-prompt-injection";
    static final String PII = "pii";
    static final String SECRETS = "secrets";
    static final String EXFILTRATION = "exfiltration";
    static final List<String> BASTION_CATEGORIES = List.of(INJECTION, INDIRECT_INJECTION, PII, SECRETS, EXFILTRATION);
    /** OpenAI's category keys, present so clients that read them do not break; never judged. */
    static final List<String> OPENAI_CATEGORIES = List.of("harassment", "harassment/threatening", "hate",
            "hate/threatening", "illicit", "illicit/violent", "self-harm", "self-harm/intent", "self-harm/instructions",
            "sexual", "sexual/minors", "violence", "violence/graphic");

    ModerationResult {
        Map<String, Double> copy = Map.copyOf(scores);
        scores = copy;
        for (Map.Entry<String, Double> e : copy.entrySet()) {
            if (!(e.getValue() >= 0 && e.getValue() <= 1)) {
                throw new IllegalArgumentException("category score must be in [0,1]: " + e.getKey());
            }
        }
        if (flagged != BASTION_CATEGORIES.stream().anyMatch(c -> copy.getOrDefault(c, 0.0) > 0)) {
            throw new IllegalArgumentException("flagged must say whether a Bastion category is true");
        }
    }

    /** One result per input, from the findings of all inputs (each finding's segment is its input's index). */
    static List<ModerationResult> of(int inputs, List<Finding> findings) {
        List<Map<String, Double>> scores = new ArrayList<>();
        for (int i = 0; i < inputs; i++) {
            scores.add(new LinkedHashMap<>());
        }
        for (Finding f : findings) {
            String category = category(f);
            if (category == null || f.segment() >= inputs) {
                continue;
            }
            double score = Math.max(f.score(), Double.MIN_VALUE); // a finding always makes its category true
            scores.get(f.segment()).merge(category, score, Math::max);
            if (category.equals(PII)) {
                scores.get(f.segment()).merge(PII + "/" + f.type().toLowerCase(Locale.ROOT), score, Math::max);
            }
        }
        List<ModerationResult> out = new ArrayList<>();
        for (Map<String, Double> s : scores) {
            out.add(new ModerationResult(BASTION_CATEGORIES.stream().anyMatch(s::containsKey), s));
        }
        return out;
    }

    /** The category a finding counts for, or null for findings that are no moderation category. */
    private static String category(Finding f) {
        return switch (f.scanner()) {
            case InjectionScanner.ID -> f.type().equals(InjectionScanner.INDIRECT) ? INDIRECT_INJECTION : INJECTION;
            case PiiScanner.ID -> PII;
            case SecretsScanner.ID -> SecretsScanner.INFORMATIONAL.contains(f.type()) ? null : SECRETS;
            case ExfiltrationScanner.ID -> EXFILTRATION;
            default -> null; // structure checks are not a moderation category
        };
    }

    /** The OpenAI moderation response: {@code id}, {@code model}, and one {@code results} item per result. */
    static ObjectNode toJson(String requestId, List<ModerationResult> results) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("id", "modr-" + requestId.replaceFirst("^req_", ""));
        root.put("model", ModerationEndpoint.MODEL);
        ArrayNode items = root.putArray("results");
        for (ModerationResult r : results) {
            ObjectNode item = items.addObject();
            item.put("flagged", r.flagged());
            ObjectNode categories = item.putObject("categories");
            ObjectNode scores = item.putObject("category_scores");
            ObjectNode applied = item.putObject("category_applied_input_types");
            List<String> keys = new ArrayList<>(BASTION_CATEGORIES);
            r.scores().keySet().stream().filter(k -> k.startsWith(PII + "/")).sorted().forEach(keys::add);
            keys.addAll(OPENAI_CATEGORIES);
            for (String key : keys) {
                double score = r.scores().getOrDefault(key, 0.0);
                categories.put(key, score > 0);
                scores.put(key, score);
                applied.putArray(key).add("text");
            }
        }
        return root;
    }
}
