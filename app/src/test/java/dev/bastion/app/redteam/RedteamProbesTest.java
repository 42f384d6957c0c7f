package dev.bastion.app.redteam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RedteamProbesTest {
    private static final ProbeLibrary LIBRARY = ProbeLibrary.builtIn();

    @Test
    void theAllSuiteHasAtLeastThreeHundredProbesWithDistinctIds() {
        List<Probe> all = LIBRARY.suite("all");
        assertThat(all).hasSizeGreaterThanOrEqualTo(300);
        assertThat(all.stream().map(Probe::id).distinct().count()).isEqualTo(all.size());
    }

    @Test
    void everyNamedSuiteHasProbesAndTogetherTheyAreTheAllSuite() {
        int total = 0;
        for (String suite : ProbeLibrary.SUITES) {
            if (!suite.equals("all") && !suite.equals("owasp-llm-2025")) {
                assertThat(LIBRARY.suite(suite)).as(suite).isNotEmpty().allMatch(p -> p.suite().equals(suite));
                total += LIBRARY.suite(suite).size();
            }
        }
        assertThat(total).isEqualTo(LIBRARY.all().size());
    }

    @Test
    void theOwaspSuiteIsShorterButCoversEveryCategoryCarrierDetectorAndEncodingOfTheAllSuite() {
        List<Probe> quick = LIBRARY.suite("owasp-llm-2025");
        assertThat(quick.size()).isLessThan(LIBRARY.all().size() / 3);
        for (java.util.function.Function<Probe, Object> key : List.<java.util.function.Function<Probe, Object>>of(
                Probe::owasp, Probe::carrier, Probe::detector, Probe::encoding)) {
            assertThat(quick.stream().map(key).collect(Collectors.toSet()))
                    .isEqualTo(LIBRARY.all().stream().map(key).collect(Collectors.toSet()));
        }
    }

    @Test
    void probesCoverTheCategoriesEncodingsAndCarriersTheIssueAsksFor() {
        Set<Owasp> categories = LIBRARY.all().stream().map(Probe::owasp).collect(Collectors.toSet());
        assertThat(categories).containsAll(EnumSet.of(Owasp.LLM01, Owasp.LLM02, Owasp.LLM05, Owasp.LLM06, Owasp.LLM07,
                Owasp.LLM10));
        assertThat(LIBRARY.all().stream().map(Probe::encoding).collect(Collectors.toSet()))
                .containsExactlyInAnyOrderElementsOf(Encodings.NAMES);
        assertThat(LIBRARY.all().stream().map(Probe::carrier).collect(Collectors.toSet()))
                .contains("direct", "tool", "document", "request");
        assertThat(LIBRARY.all().stream().map(Probe::detector).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(Detector.values());
    }

    @Test
    void everyChatProbePlantsItsCanaryInTheSystemPromptAndPlantsRecordsAndSecretsOnlyWhenItsGoalNeedsThem() {
        for (Probe p : LIBRARY.all()) {
            if (p.suite().equals("dos")) {
                continue;
            }
            JsonNode system = p.request().path("messages").path(0);
            assertThat(system.path("role").asText()).as(p.id()).isEqualTo("system");
            assertThat(system.path("content").asText()).as(p.id()).contains(p.plant().canary());
            assertThat(system.path("content").asText().contains(p.plant().secret()) && !p.plant().secret().isEmpty())
                    .as(p.id()).isEqualTo(p.detector() == Detector.SECRET);
            assertThat(system.path("content").asText().contains("412-58-3390")).as(p.id())
                    .isEqualTo(p.detector() == Detector.RECORD);
        }
    }

    @Test
    void aToolCarrierPutsTheAttackInTheToolResultAndADocumentCarrierInTheUsersQuotedText() {
        Probe tool = LIBRARY.all().stream().filter(p -> p.id().equals("ignore.obey.tool.plain")).findFirst().orElseThrow();
        JsonNode messages = tool.request().path("messages");
        assertThat(messages.path(messages.size() - 1).path("role").asText()).isEqualTo("tool");
        assertThat(messages.path(messages.size() - 1).path("content").asText()).contains(tool.plant().marker())
                .startsWith("Order 1182");
        Probe doc = LIBRARY.all().stream().filter(p -> p.id().equals("ignore.obey.document.plain")).findFirst().orElseThrow();
        assertThat(doc.request().path("messages").path(1).path("content").asText()).contains("\"\"\"")
                .contains(doc.plant().marker());
    }

    @Test
    void anEncodedProbeDoesNotCarryItsMarkerInPlainText() {
        for (String encoding : List.of("base64", "homoglyph", "zero-width", "tag")) {
            Probe p = LIBRARY.all().stream().filter(x -> x.id().equals("ignore.obey.direct." + encoding)).findFirst()
                    .orElseThrow();
            assertThat(p.request().toString()).as(encoding).doesNotContain(p.plant().marker());
            assertThat(ObeyingUpstream.decode(p.request().path("messages").path(1).path("content").asText()))
                    .as(encoding).contains(p.plant().marker());
        }
    }

    @Test
    void anUnknownSuiteIsRefusedNamingTheKnownOnes() {
        assertThatThrownBy(() -> LIBRARY.suite("jailbreaks")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("injection").hasMessageContaining("'jailbreaks'");
    }

    @Test
    void probeFilesAreNamedWithTheirDigests() {
        assertThat(LIBRARY.fileSha256()).containsOnlyKeys(ProbeLibrary.FILES)
                .allSatisfy((k, v) -> assertThat(v).matches("[0-9a-f]{64}"));
    }
}
