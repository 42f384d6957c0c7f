package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.gateway.api.Json;
import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --format json} on every command that prints a result: standard output is exactly one JSON value, parsed
 * here with Jackson, and it carries the result (not just any JSON).
 */
class JsonFormatTest {
    @TempDir
    Path dir;

    /** Runs the command and parses its whole standard output as one JSON value; fails on anything around it. */
    static JsonNode json(int expectedExit, String... args) throws Exception {
        Object[] r = KeysCommandTest.run(args);
        assertThat(r[0]).as("exit of %s; stderr: %s", String.join(" ", args), r[2]).isEqualTo(expectedExit);
        try (JsonParser p = Json.MAPPER.createParser((String) r[1])) {
            JsonNode value = Json.MAPPER.readTree(p);
            assertThat(value).as("stdout of %s: %s", String.join(" ", args), r[1]).isNotNull();
            assertThat(p.nextToken()).as("anything after the value on stdout of %s", String.join(" ", args)).isNull();
            return value;
        }
    }

    private String dd() {
        return dir.resolve("data").toString();
    }

    @Test
    void keysCreateListRotateAndRevokePrintOneJsonValueEach() throws Exception {
        JsonNode created = json(0, "keys", "create", "--role", "user", "--tenant", "t1", "--format", "json",
                "--data-dir", dd());
        assertThat(created.path("key").asText()).startsWith("bsk_");
        String id = created.path("id").asText();
        JsonNode list = json(0, "keys", "list", "--format", "json", "--data-dir", dd());
        assertThat(list.isArray()).isTrue();
        assertThat(list.toString()).contains(id).doesNotContain(created.path("key").asText());
        JsonNode rotated = json(0, "keys", "rotate", id, "--format", "json", "--data-dir", dd());
        assertThat(rotated.path("replaces").asText()).isEqualTo(id);
        JsonNode revoked = json(0, "keys", "revoke", rotated.path("id").asText(), "--format", "json", "--data-dir", dd());
        assertThat(revoked.path("revoked").asBoolean()).isTrue();
        assertThat(json(0, "keys", "list", "--json", "--data-dir", dd()).size()).isEqualTo(2); // the old flag still works
    }

    @Test
    void anUnknownFormatIsRefusedByName() {
        Object[] r = KeysCommandTest.run("keys", "list", "--format", "yaml", "--data-dir", dd());
        assertThat(r[0]).isEqualTo(ExitCodes.FAILED);
        assertThat((String) r[2]).contains("--format is text or json, got 'yaml'");
        assertThat((String) r[1]).isEmpty();
    }

    @Test
    void auditVerifyCheckpointTailExportAndExplainPrintOneJsonValueEach() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start();
                TestGateway gateway = TestGateway.start(dir, "models:\n" + TestGateway.model("m", upstream, "local"))) {
            String key = gateway.createKey(Role.USER, "t", List.of("*"));
            for (int i = 0; i < 3; i++) {
                gateway.post("/v1/chat/completions", key, TestGateway.chat("m", "hi", false));
            }
        }
        JsonNode verify = json(0, "audit", "verify", "--format", "json", "--data-dir", dd());
        assertThat(verify.path("ok").asBoolean()).isTrue();
        assertThat(verify.path("records").asLong()).isGreaterThanOrEqualTo(4);
        JsonNode checkpoint = json(0, "audit", "checkpoint", "--format", "json", "--data-dir", dd());
        assertThat(checkpoint.path("size").asLong()).isPositive();
        assertThat(checkpoint.path("checkpoint").asText()).startsWith("bastion-audit-checkpoint/v1");
        JsonNode tail = json(0, "audit", "tail", "-n", "2", "--format", "json", "--data-dir", dd());
        assertThat(tail.size()).isEqualTo(2);
        JsonNode all = json(0, "audit", "export", "--format", "json", "--data-dir", dd());
        assertThat(all.size()).isEqualTo(verify.path("records").asInt());
        String requestId = null;
        for (JsonNode item : all) {
            if (item.path("record").path("type").asText().equals("request")) {
                requestId = item.path("record").path("request_id").asText();
            }
        }
        assertThat(requestId).isNotNull();
        JsonNode explained = json(0, "explain", requestId, "--format", "json", "--data-dir", dd());
        assertThat(explained.path("request_id").asText()).isEqualTo(requestId);
        assertThat(explained.path("explanation").toString()).contains("Authenticated as key");
    }

    @Test
    void dpQueryAndBudgetPrintOneJsonValueEach() throws Exception {
        StringBuilder csv = new StringBuilder("id,age\n");
        for (int i = 0; i < 500; i++) {
            csv.append(i).append(',').append(20 + i % 50).append('\n');
        }
        Path data = dir.resolve("ages.csv");
        Files.writeString(data, csv);
        JsonNode set = json(0, "dp", "budget", "--dataset", "people", "--set-total", "2", "--format", "json",
                "--data-dir", dd());
        assertThat(set.path("total").path("epsilon").asDouble()).isEqualTo(2.0);
        JsonNode query = json(0, "dp", "query", "--data", data.toString(), "--query", "count", "--epsilon", "0.5",
                "--dataset", "people", "--format", "json", "--data-dir", dd());
        assertThat(query.path("rows").get(0).path("value").asDouble()).isBetween(400.0, 600.0);
        JsonNode budget = json(0, "dp", "budget", "--dataset", "people", "--format", "json", "--data-dir", dd());
        assertThat(budget.path("spent").path("epsilon").asDouble()).isEqualTo(0.5);
        assertThat(budget.path("remaining_epsilon").asDouble()).isEqualTo(1.5);
        assertThat(budget.path("history")).hasSize(1);
    }

    @Test
    void modelListCatalogueInfoScanKeygenSignAndVerifyPrintOneJsonValueEach() throws Exception {
        Path models = dir.resolve("data/models");
        Files.createDirectories(models);
        Path file = models.resolve("tiny.gguf");
        Files.write(file, ModelPullCommandTest.gguf());
        JsonNode list = json(0, "model", "list", "--format", "json", "--data-dir", dd());
        assertThat(list.get(0).path("name").asText()).isEqualTo("tiny");
        assertThat(list.get(0).path("architecture").asText()).isEqualTo("qwen2");
        assertThat(json(0, "model", "catalogue", "--format", "json").get(0).path("sha256").asText()).hasSize(64);
        JsonNode info = json(0, "model", "info", file.toString(), "--format", "json", "--data-dir", dd());
        assertThat(info.path("architecture").asText()).isEqualTo("qwen2");
        assertThat(info.path("context_length").asLong()).isEqualTo(32768);
        assertThat(info.path("vocabulary_size").asLong()).isEqualTo(2);
        JsonNode scan = json(0, "model", "scan", file.toString(), "--format", "json", "--data-dir", dd());
        assertThat(scan.path("safe").asBoolean()).isTrue();
        JsonNode keygen = json(0, "model", "keygen", "--out", dir.resolve("keys").toString(), "--format", "json",
                "--data-dir", dd());
        String pub = keygen.path("public_key").asText();
        JsonNode signed = json(0, "model", "sign", file.toString(), "--key", keygen.path("private_key").asText(),
                "--format", "json", "--data-dir", dd());
        assertThat(signed.path("files").asInt()).isEqualTo(1);
        JsonNode verified = json(0, "model", "verify", file.toString(), "--key", pub, "--format", "json",
                "--data-dir", dd());
        assertThat(verified.path("verified").asBoolean()).isTrue();
        Files.write(file, new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
        JsonNode broken = json(1, "model", "verify", file.toString(), "--key", pub, "--format", "json",
                "--data-dir", dd());
        assertThat(broken.path("verified").asBoolean()).isFalse();
        assertThat(broken.path("problems")).isNotEmpty();
    }

    @Test
    void scanSecretsHonoursTheFormat() throws Exception {
        Path src = dir.resolve("src");
        Files.createDirectories(src);
        Files.writeString(src.resolve("app.env"), "token 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\nname=value\n");
        Files.writeString(src.resolve("clean.txt"), "nothing here\n");
        JsonNode report = json(1, "scan", "--secrets", src.toString(), "--format", "json");
        assertThat(report.path("secrets").asInt()).isPositive();
        assertThat(report.path("files").asInt()).isEqualTo(2);
        JsonNode first = report.path("findings").get(0);
        assertThat(first.path("file").asText()).endsWith("app.env");
        assertThat(first.path("line").asInt()).isEqualTo(1);
        assertThat(report.toString()).doesNotContain("ghp_");
        Object[] lines = KeysCommandTest.run("scan", "--secrets", src.toString(), "--format", "jsonl");
        for (String line : ((String) lines[1]).lines().toList()) {
            assertThat(Json.MAPPER.readTree(line).path("type").asText()).isNotEmpty();
        }
        Object[] text = KeysCommandTest.run("scan", "--secrets", src.toString());
        assertThat((String) text[1]).contains("app.env:1:");
    }

    @Test
    void configPrintGivesEachSettingItsValueAndOrigin() throws Exception {
        Path config = dir.resolve("custom.yaml");
        Files.writeString(config, "server:\n  port: 9123\n");
        JsonNode printed = json(0, "config", "print", "--config", config.toString(), "--format", "json",
                "--data-dir", dd());
        assertThat(printed.path("config_file").asText()).isEqualTo(config.toString());
        assertThat(printed.path("settings").path("server.port").path("value").asText()).isEqualTo("9123");
        assertThat(printed.path("settings").path("server.port").path("origin").asText()).isEqualTo(config + ":2");
        assertThat(printed.path("settings").path("server.host").path("origin").asText()).isEqualTo("default");
    }

    @Test
    void subjectEraseAndHealthPrintOneJsonValueEach() throws Exception {
        JsonNode erased = json(0, "subject", "erase", "--subject", "patient-7", "--format", "json", "--data-dir", dd());
        assertThat(erased.path("subject_hash").asText()).isNotEmpty().doesNotContain("patient-7");
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        JsonNode down = json(1, "health", "--url", "http://127.0.0.1:" + closedPort + "/healthz", "--timeout", "2",
                "--format", "json");
        assertThat(down.path("healthy").asBoolean()).isFalse();
        assertThat(down.path("status").asInt()).isZero();
    }
}
