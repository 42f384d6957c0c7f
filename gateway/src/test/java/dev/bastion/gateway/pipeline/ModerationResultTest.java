package dev.bastion.gateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.guard.Finding;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModerationResultTest {

    @Test
    void findingsLandInTheirInputsCategoryWithTheHighestScore() {
        List<ModerationResult> results = ModerationResult.of(3, List.of(
                new Finding("EMAIL_ADDRESS", 0, 3, 10, 0.6, "pii"),
                new Finding("EMAIL_ADDRESS", 0, 12, 20, 0.9, "pii"),
                new Finding("PROMPT_INJECTION", 2, 0, 5, 0.97, "injection"),
                new Finding("INDIRECT_PROMPT_INJECTION", 1, 0, 5, 0.8, "injection")));
        assertThat(results.get(0).scores()).containsEntry("pii", 0.9).containsEntry("pii/email_address", 0.9);
        assertThat(results.get(1).scores()).containsOnlyKeys("indirect-prompt-injection");
        assertThat(results.get(2).scores()).containsOnly(Map.entry("prompt-injection", 0.97));
        assertThat(results).allMatch(ModerationResult::flagged);
    }

    @Test
    void informationalSecretFindingsAndStructureFindingsFlagNothing() {
        List<ModerationResult> results = ModerationResult.of(1, List.of(
                new Finding("USERNAME", 0, 0, 4, 0.2, "secrets"),
                new Finding("CONTROL_CHARACTER", 0, 0, 1, 1.0, "structure")));
        assertThat(results.getFirst().flagged()).isFalse();
        assertThat(results.getFirst().scores()).isEmpty();
        List<ModerationResult> real = ModerationResult.of(1, List.of(new Finding("GITHUB_TOKEN", 0, 0, 40, 0.99, "secrets")));
        assertThat(real.getFirst().flagged()).isTrue();
    }

    @Test
    void aResultWhoseFlagContradictsItsScoresIsRefused() {
        assertThatThrownBy(() -> new ModerationResult(true, Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ModerationResult(false, Map.of("secrets", 0.9)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ModerationResult(true, Map.of("secrets", 1.5)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theJsonHasEveryCategoryInBothMapsAndOpenAisAreFalse() {
        JsonNode json = ModerationResult.toJson("req_0123", ModerationResult.of(1, List.of(
                new Finding("PERSON", 0, 0, 4, 0.7, "pii"))));
        assertThat(json.path("id").asText()).isEqualTo("modr-0123");
        JsonNode result = json.at("/results/0");
        List<String> keys = new java.util.ArrayList<>();
        result.path("categories").fieldNames().forEachRemaining(keys::add);
        assertThat(keys).startsWith("prompt-injection", "indirect-prompt-injection", "pii", "secrets", "exfiltration",
                "pii/person").contains("harassment", "violence/graphic");
        keys.forEach(k -> {
            assertThat(result.path("category_scores").has(k)).as(k).isTrue();
            assertThat(result.path("category_applied_input_types").path(k).get(0).asText()).isEqualTo("text");
        });
        ModerationResult.OPENAI_CATEGORIES.forEach(k -> assertThat(result.path("categories").path(k).asBoolean()).isFalse());
        assertThat(result.path("category_scores").path("pii/person").asDouble()).isEqualTo(0.7);
    }
}
