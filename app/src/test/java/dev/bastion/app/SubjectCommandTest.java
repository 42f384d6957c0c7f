package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.crypto.Envelope;
import dev.bastion.gateway.cluster.RedisTables;
import dev.bastion.gateway.server.Gateway;
import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.gateway.testing.TestRedis;
import dev.bastion.guard.Pseudonymizer;
import dev.bastion.guard.pseudonym.MemoryTables;
import dev.bastion.guard.pseudonym.PseudonymVault;
import dev.bastion.guard.pseudonym.Sealer;
import dev.bastion.guard.pseudonym.Style;
import dev.bastion.guard.pseudonym.Surrogates;
import dev.bastion.store.keys.Role;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

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

        String before = Files.readString(dir.resolve("data/keys/master-key.json"));
        Object[] rotated = KeysCommandTest.run("subject", "rotate-master-key", "--rewrap", "--data-dir", data);
        assertThat(rotated[0]).as((String) rotated[2]).isEqualTo(0);
        assertThat((String) rotated[1]).contains("re-wrapped 1 subject key(s)");
        assertThat(Files.readString(dir.resolve("data/keys/master-key.json"))).isNotEqualTo(before);
        assertThat((String) KeysCommandTest.run("subject", "export", "--subject", "client-7", "--data-dir", data)[1])
                .contains("echo: contract terms");
        Object[] erase = KeysCommandTest.run("subject", "erase", "--subject", "client-7", "--data-dir", data);
        assertThat((String) erase[1]).contains("key destroyed=true").contains("conversations deleted=1");
        assertThat((String) KeysCommandTest.run("subject", "export", "--subject", "client-7", "--data-dir", data)[1])
                .doesNotContain("contract terms");
    }

    @Test
    void erasingAKeyInAClusterClearsItsPseudonymTablesInRedisAndErasesNothingWhileRedisIsDown() throws Exception {
        TestRedis server = TestRedis.shared();
        Path data = dir.resolve("data");
        Files.createDirectories(data.resolve("keys"));
        Envelope envelope = Envelope.open(
                new Envelope.MasterKeySource.File(data.resolve("keys/master-key.json")), Map.of());
        String keyId = "key_cli" + Long.toHexString(System.nanoTime());
        var scope = new PseudonymVault.Scope(keyId, "c");
        Path config = dir.resolve("bastion.yaml");
        try (var tables = new RedisTables(
                RedisClient.create(server.url().getHost(), server.port()), server.url().toString(),
                Gateway.apiKeyHasher(data),
                new MemoryTables(Clock.systemUTC(), 10), System::nanoTime)) {
            var vault = new PseudonymVault(Sealer.portable(envelope,
                    envelope.newWrappedKey("pseudonym-vault"), "pseudonym-vault"), Duration.ofMinutes(5), tables);
            vault.update(scope, t -> new Pseudonymizer(t, Surrogates.of(
                    Style.TAG), s -> false).surrogate("PERSON", "Ada"));
            assertThat(vault.read(scope).entries()).hasSize(1);

            int closed;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                closed = s.getLocalPort();
            }
            Files.writeString(config, "cluster:\n  redis-url: redis://127.0.0.1:" + closed + "\n");
            Object[] refused = KeysCommandTest.run("subject", "erase", "--subject", "key:" + keyId, "--config",
                    config.toString(), "--data-dir", data.toString());
            assertThat(refused[0]).isEqualTo(1);
            assertThat((String) refused[2]).contains("cannot be reached").contains("nothing was erased");
            assertThat(vault.read(scope).entries()).hasSize(1);

            Files.writeString(config, "cluster:\n  redis-url: " + server.url() + "\n");
            Object[] erase = KeysCommandTest.run("subject", "erase", "--subject", "key:" + keyId, "--config",
                    config.toString(), "--data-dir", data.toString());
            assertThat(erase[0]).as((String) erase[2]).isEqualTo(0);
            assertThat((String) erase[1]).contains("pseudonym tables erased=1");
            assertThat(vault.read(scope).entries()).isEmpty();
        }
    }
}
