package dev.bastion.models.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CatalogueTest {
    @Test
    void everyBuiltInEntryHasAHexSha256AnHttpsUrlASizeALicenceAndASource() {
        Catalogue c = Catalogue.builtIn();

        assertThat(c.entries()).hasSizeGreaterThanOrEqualTo(4);
        for (CatalogueEntry e : c.entries()) {
            assertThat(e.sha256()).as(e.name()).matches("[0-9a-f]{64}");
            assertThat(e.url().getScheme()).as(e.name()).isEqualTo("https");
            assertThat(e.url().getPath()).as(e.name()).endsWithIgnoringCase(".gguf");
            assertThat(e.size()).as(e.name()).isGreaterThan(100_000_000L);
            assertThat(e.licence()).as(e.name()).isNotBlank();
            assertThat(e.source()).as(e.name()).isNotBlank();
            assertThat(e.name()).as("the name says the quantisation").containsIgnoringCase(e.quantisation());
        }
        assertThat(c.entries()).extracting(CatalogueEntry::sha256).doesNotHaveDuplicates();
    }

    @Test
    void theCatalogueHasTheModelsTheDocumentationNames() {
        Catalogue c = Catalogue.builtIn();

        assertThat(c.find("llama-3.2-1b-instruct-q4_k_m")).get().extracting(CatalogueEntry::architecture)
                .isEqualTo("llama");
        assertThat(c.find("qwen2.5-0.5b-instruct-q4_k_m")).isPresent();
        assertThat(c.find("qwen3-0.6b-q8_0")).get().extracting(CatalogueEntry::quantisation).isEqualTo("Q8_0");
        assertThat(c.find("no-such-model")).isEmpty();
    }

    private static Catalogue parse(String json) throws Exception {
        return Catalogue.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "test.json");
    }

    private static String entry(String name, String sha, String extra) {
        return "{\"name\":\"" + name + "\",\"description\":\"d\",\"url\":\"https://h/m.gguf\",\"sha256\":\"" + sha
                + "\",\"size\":5,\"licence\":\"mit\",\"architecture\":\"llama\",\"quantisation\":\"Q8_0\","
                + "\"source\":\"s\"" + extra + "}";
    }

    @Test
    void aMalformedEntryIsRefusedNamingTheEntryAndTheField() {
        String good = "00".repeat(32);
        assertThatThrownBy(() -> parse("{\"models\":[" + entry("a", "12ab", "") + "]}"))
                .hasMessageContaining("test.json models[0]").hasMessageContaining("64 hexadecimal digits");
        assertThatThrownBy(() -> parse("{\"models\":[" + entry("a", good, ",\"mirror\":\"x\"") + "]}"))
                .hasMessageContaining("unknown field 'mirror'");
        assertThatThrownBy(() -> parse("{\"models\":[" + entry("a", good, "") + "," + entry("a", good, "") + "]}"))
                .hasMessageContaining("models[1]").hasMessageContaining("appears twice");
        assertThatThrownBy(() -> parse("{\"models\":[" + entry("a", good, "").replace("https://", "http://") + "]}"))
                .hasMessageContaining("url must be https");
        assertThatThrownBy(() -> parse("{\"models\":[" + entry("a", good, "").replace("\"licence\":\"mit\"",
                "\"licence\":\" \"") + "]}")).hasMessageContaining("licence is required");
        assertThatThrownBy(() -> parse("{}")).hasMessageContaining("a 'models' array is required");
    }
}
