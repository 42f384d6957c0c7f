package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubjectCommandTest {
    @TempDir
    Path dir;

    @Test
    void exportShowsTheSubjectsConversationsAndEraseRemovesThem() throws Exception {
        try (FakeUpstream up = FakeUpstream.start();
                TestGateway g = TestGateway.start(dir, "models:\n" + TestGateway.model("m", up, "local")
                        + "routes:\n  - name: r\n    models: [\"*\"]\n    storage: content\n")) {
            String key = g.createKey(Role.USER, "t", List.of("*"));
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(g.baseUrl() + "/chat/completions"))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .header("x-bastion-subject", "client-7").POST(HttpRequest.BodyPublishers.ofString(
                            TestGateway.chat("m", "contract terms", false))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
        }
        String data = dir.resolve("data").toString();
        Object[] export = KeysCommandTest.run("subject", "export", "--subject", "client-7", "--data-dir", data);
        assertThat(export[0]).isEqualTo(0);
        assertThat((String) export[1]).contains("echo: contract terms");

        String before = java.nio.file.Files.readString(dir.resolve("data/keys/master-key.json"));
        Object[] rotated = KeysCommandTest.run("subject", "rotate-master-key", "--rewrap", "--data-dir", data);
        assertThat(rotated[0]).as((String) rotated[2]).isEqualTo(0);
        assertThat((String) rotated[1]).contains("re-wrapped 1 subject key(s)");
        assertThat(java.nio.file.Files.readString(dir.resolve("data/keys/master-key.json"))).isNotEqualTo(before);
        assertThat((String) KeysCommandTest.run("subject", "export", "--subject", "client-7", "--data-dir", data)[1])
                .contains("echo: contract terms");
        Object[] erase = KeysCommandTest.run("subject", "erase", "--subject", "client-7", "--data-dir", data);
        assertThat((String) erase[1]).contains("key destroyed=true").contains("conversations deleted=1");
        assertThat((String) KeysCommandTest.run("subject", "export", "--subject", "client-7", "--data-dir", data)[1])
                .doesNotContain("contract terms");
    }
}
