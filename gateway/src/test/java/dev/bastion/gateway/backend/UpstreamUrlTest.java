package dev.bastion.gateway.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The upstream URL is the configured base URL without its trailing slashes, then the endpoint's path. */
class UpstreamUrlTest {
    private final UpstreamHttp http = new UpstreamHttp(Map.of(), "auto");

    @Test
    void theBaseLosesItsTrailingSlashesAndGainsThePath() {
        assertThat(http.url(URI.create("http://127.0.0.1:8080/v1//"), "/chat/completions"))
                .isEqualTo(URI.create("http://127.0.0.1:8080/v1/chat/completions"));
        assertThat(http.url(URI.create("https://api.example.com"), "/v1/messages"))
                .hasToString("https://api.example.com/v1/messages");
    }

    @Test
    void eachBaseAndPathIsParsedOnceAndKeptApart() {
        URI chat = http.url(URI.create("http://a:1/v1"), "/chat/completions");
        assertThat(http.url(URI.create("http://a:1/v1"), "/chat/completions")).isSameAs(chat);
        assertThat(http.url(URI.create("http://a:1/v1"), "/embeddings")).hasToString("http://a:1/v1/embeddings");
        assertThat(http.url(URI.create("http://b:1/v1"), "/chat/completions")).hasToString("http://b:1/v1/chat/completions");
    }

    @Test
    void basesThatUriEqualsWouldConfuseKeepTheirOwnSpelling() {
        // URI.equals ignores the host's case; the URL sent is the one configured, letter for letter
        assertThat(URI.create("http://Upstream.Local/v1")).isEqualTo(URI.create("http://upstream.local/v1"));
        assertThat(http.url(URI.create("http://upstream.local/v1"), "/chat/completions"))
                .hasToString("http://upstream.local/v1/chat/completions");
        assertThat(http.url(URI.create("http://Upstream.Local/v1"), "/chat/completions"))
                .hasToString("http://Upstream.Local/v1/chat/completions");
    }

    @Test
    void manyBasesDoNotGrowItWithoutBound() {
        for (int i = 0; i < 3000; i++) {
            assertThat(http.url(URI.create("http://h" + i + ":1/v1/"), "/chat/completions"))
                    .hasToString("http://h" + i + ":1/v1/chat/completions");
        }
        assertThat(http.cachedUrls()).isBetween(1, 1024);
    }
}
