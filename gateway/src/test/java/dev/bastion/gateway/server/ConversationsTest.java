package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.audit.AuditReader;
import dev.bastion.crypto.Envelope;
import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.jdbc.SqliteSubjectKeyRepository;
import dev.bastion.store.keys.Role;
import dev.bastion.store.subjects.SubjectKeyRepository;
import dev.bastion.store.testing.SqliteFiles;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stored conversations: encrypted per data subject, exportable, erasable by crypto-shredding, purged on retention. */
class ConversationsTest {
    private static final String SECRET = "diagnosis-canary-5521";

    @TempDir
    Path dir;

    private static String yaml(FakeUpstream up) {
        return "conversations:\n  purge-interval: 200ms\nmodels:\n" + TestGateway.model("keep", up, "local")
                + TestGateway.model("meta", up, "local") + TestGateway.model("brief", up, "local")
                + TestGateway.model("none", up, "local") + TestGateway.model("short", up, "local") + """
                routes:
                  - name: keep
                    models: [keep]
                    storage: content
                  - name: meta
                    models: [meta]
                    storage: metadata
                  - name: brief
                    models: [brief]
                    storage: content
                    retention: 1ms
                  - name: short
                    models: [short]
                    storage: content
                    retention: 30d
                    content-retention: 1ms
                  - name: default
                    models: ["*"]
                """;
    }

    private static TestGateway.Reply chatAs(TestGateway g, String key, String subject, String model, String text, boolean stream)
            throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(g.baseUrl() + "/chat/completions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .header("x-bastion-subject", subject)
                .POST(HttpRequest.BodyPublishers.ofString(TestGateway.chat(model, text, stream))).build();
        HttpResponse<String> r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        return new TestGateway.Reply(r.statusCode(), r.headers().map(), r.body());
    }

    private static HttpResponse<String> delete(TestGateway g, String path, String key) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.port() + path))
                .header("Authorization", "Bearer " + key).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String[]> rows(Path db) throws Exception {
        return SqliteFiles.conversationRows(db);
    }

    /** Conversations are stored right after the answer is sent, so tests wait for the rows they expect. */
    private static List<String[]> awaitRows(Path db, java.util.function.Predicate<List<String[]>> done) throws Exception {
        List<String[]> rows = rows(db);
        for (int i = 0; i < 100 && !done.test(rows); i++) {
            Thread.sleep(50);
            rows = rows(db);
        }
        return rows;
    }

    @Test
    void contentIsEncryptedPerSubjectExportedAndErasedEvenFromABackup() throws Exception {
        Path data = dir.resolve("data");
        Path backup = dir.resolve("backup.db");
        try (FakeUpstream up = FakeUpstream.start(); TestGateway g = TestGateway.start(dir, yaml(up))) {
            String key = g.createKey(Role.USER, "ward-7", List.of("*"));
            assertThat(chatAs(g, key, "patient-42", "keep", "notes: " + SECRET, false).status()).isEqualTo(200);
            assertThat(chatAs(g, key, "patient-42", "keep", "more " + SECRET, true).status()).isEqualTo(200);
            assertThat(chatAs(g, key, "patient-99", "keep", "other patient", false).status()).isEqualTo(200);
            assertThat(chatAs(g, key, "patient-42", "meta", SECRET, false).status()).isEqualTo(200);
            assertThat(chatAs(g, key, "patient-42", "none", SECRET, false).status()).isEqualTo(200);

            List<String[]> stored = awaitRows(data.resolve("bastion.db"), r -> r.size() >= 4);
            assertThat(stored).hasSize(4);
            assertThat(stored).filteredOn(r -> r[2].equals("keep")).allMatch(r -> r[3] != null);
            assertThat(stored).filteredOn(r -> r[2].equals("meta")).allMatch(r -> r[3] == null);
            assertThat(SqliteFiles.allText(data.resolve("bastion.db"))).doesNotContain(SECRET).doesNotContain("patient-42");

            JsonNode export = g.get("/admin/v1/subjects/patient-42/export", g.adminKey()).json();
            assertThat(export.path("conversations")).hasSize(3);
            assertThat(export.path("conversations").toString()).contains("notes: " + SECRET).contains("echo: notes: " + SECRET)
                    .contains("echo: more " + SECRET).doesNotContain("other patient");
            assertThat(g.get("/admin/v1/subjects/patient-42/export", key).status()).isEqualTo(403);

            SqliteFiles.backup(data.resolve("bastion.db"), backup);
            HttpResponse<String> erased = delete(g, "/admin/v1/subjects/patient-42", g.adminKey());
            assertThat(erased.statusCode()).isEqualTo(200);
            assertThat(erased.body()).contains("\"key_destroyed\":true").contains("\"conversations_deleted\":3");
            assertThat(g.get("/admin/v1/subjects/patient-42/export", g.adminKey()).json().path("conversations")).isEmpty();
            assertThat(g.get("/admin/v1/subjects/patient-99/export", g.adminKey()).json().path("conversations")).hasSize(1);
        }

        // The backup still holds patient-42's ciphertexts, but nothing can open them any more.
        Envelope envelope = Envelope.open(new Envelope.MasterKeySource.File(data.resolve("keys/master-key.json")), Map.of());
        List<String[]> old = rows(backup).stream().filter(r -> r[3] != null).toList();
        assertThat(old).hasSize(3);
        try (SubjectKeyRepository keyring = SqliteSubjectKeyRepository.open(data.resolve("keys/subject-keys.db"))) {
            int opened = 0;
            int shredded = 0;
            for (String[] r : old) {
                var subjectKey = keyring.find(r[1]);
                if (subjectKey.isPresent()) {
                    byte[] plain = envelope.decrypt(subjectKey.get(), r[1], Base64.getDecoder().decode(r[3]),
                            r[0].getBytes(StandardCharsets.UTF_8));
                    assertThat(new String(plain, StandardCharsets.UTF_8)).contains("other patient");
                    opened++;
                } else {
                    shredded++;
                }
            }
            assertThat(opened).isEqualTo(1);
            assertThat(shredded).isEqualTo(2);
        }
        AuditReader audit = AuditReader.open(data.resolve("audit"));
        StringBuilder all = new StringBuilder();
        for (long i = 0; i < audit.size(); i++) {
            all.append(new String(audit.record(i), StandardCharsets.UTF_8));
        }
        assertThat(all.toString()).contains("subject.erase").contains("subject.export").doesNotContain("patient-42")
                .doesNotContain(SECRET);
    }

    @Test
    void contentRetentionDropsTheTextKeepsTheMetadataAndShredsTheSubjectsKey() throws Exception {
        Path data = dir.resolve("data");
        try (FakeUpstream up = FakeUpstream.start(); TestGateway g = TestGateway.start(dir, yaml(up))) {
            String key = g.createKey(Role.USER, "t", List.of("*"));
            assertThat(chatAs(g, key, "s-short", "short", "ephemeral text", false).status()).isEqualTo(200);
            List<String[]> left = awaitRows(data.resolve("bastion.db"), r -> r.size() == 1 && r.getFirst()[3] == null);
            assertThat(left).singleElement().satisfies(r -> {
                assertThat(r[2]).isEqualTo("short");
                assertThat(r[3]).isNull();
            });
            String hash = left.getFirst()[1];
            boolean keyGone = false;
            for (int i = 0; i < 100 && !keyGone; i++) {
                try (SubjectKeyRepository keyring = SqliteSubjectKeyRepository.open(data.resolve("keys/subject-keys.db"))) {
                    keyGone = keyring.find(hash).isEmpty();
                }
                Thread.sleep(50);
            }
            assertThat(keyGone).isTrue();
            JsonNode export = g.get("/admin/v1/subjects/s-short/export", g.adminKey()).json();
            assertThat(export.path("conversations")).hasSize(1);
            assertThat(export.at("/conversations/0/metadata/tenant").asText()).isEqualTo("t");
            assertThat(export.toString()).doesNotContain("ephemeral text");
        }
    }

    @Test
    void conversationsPastTheirRetentionArePurgedAndThePurgeIsAudited() throws Exception {
        Path data = dir.resolve("data");
        try (FakeUpstream up = FakeUpstream.start(); TestGateway g = TestGateway.start(dir, yaml(up))) {
            String key = g.createKey(Role.USER, "t", List.of("*"));
            assertThat(chatAs(g, key, "s-1", "brief", "short-lived", false).status()).isEqualTo(200);
            assertThat(chatAs(g, key, "s-1", "keep", "kept", false).status()).isEqualTo(200);
            List<String[]> left = awaitRows(data.resolve("bastion.db"),
                    r -> r.size() == 1 && r.getFirst()[2].equals("keep"));
            assertThat(left).extracting(r -> r[2]).containsExactly("keep");
        }
        AuditReader audit = AuditReader.open(data.resolve("audit"));
        StringBuilder all = new StringBuilder();
        for (long i = 0; i < audit.size(); i++) {
            all.append(new String(audit.record(i), StandardCharsets.UTF_8));
        }
        assertThat(all.toString()).contains("retention.purge");
    }
}
