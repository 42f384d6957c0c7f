package dev.bastion.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.api.Json;
import dev.bastion.gateway.pipeline.AuditTrail;
import dev.bastion.store.keys.Role;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The models page: signature status and signer, scan result, ML-BOM download and custody, read-only. */
class ModelsPageHttpTest {
    @TempDir
    static Path dir;
    static ConsoleFixture console;

    @BeforeAll
    static void start() throws Exception {
        console = ConsoleFixture.start(dir, ModelFixtures.yaml(dir));
        console.gateway.auditLog().append(AuditTrail.adminRecord(Instant.parse("2026-12-01T00:00:00Z"), null, "cli",
                "model.sign", dir.resolve("signed").toAbsolutePath() + " root=abc").toString()
                .getBytes(StandardCharsets.UTF_8)).get();
    }

    @AfterAll
    static void stop() {
        console.close();
    }

    private static String row(String page, String model) {
        String from = page.substring(page.indexOf("<a href=\"#model-" + model + "\">"));
        return from.substring(0, from.indexOf("</tr>"));
    }

    @Test
    void eachLocalModelShowsItsSignatureSignerAndScan() {
        ConsoleFixture.Session auditor = console.login(console.createKey(Role.AUDITOR, "default", "reader"));
        HttpResponse<String> res = console.get("/models", Optional.of(auditor.cookie()));
        assertThat(res.statusCode()).isEqualTo(200);
        String page = res.body();
        assertThat(row(page, "signed")).contains(">admitted<").contains(">verified<").containsPattern("<code>[0-9a-f]{8,}")
                .contains("ed25519").containsPattern("passed \\([^)]*safetensors");
        assertThat(row(page, "unsigned")).contains(">admitted<").contains(">unsigned<");
        assertThat(row(page, "tampered")).contains(">refused<").contains(">failed<");
        assertThat(page).contains("changed: model.safetensors");
    }

    @Test
    void custodyEventsOfAModelAreListedForOperatorsOnly() {
        String operator = console.get("/models", Optional.of(console.login(console.adminKey).cookie())).body();
        String signed = operator.substring(operator.indexOf("<h2 id=\"model-signed\">"), operator.indexOf("<h2 id=\"model-unsigned\">"));
        assertThat(signed).contains("Custody of signed").contains("model.sign");
        ConsoleFixture.Session tenant = console.login(console.createKey(Role.AUDITOR, "acme", "tenant reader"));
        assertThat(console.get("/models", Optional.of(tenant.cookie())).body()).doesNotContain("model.sign")
                .contains(">verified<");
    }

    @Test
    void theMlBomIsAJsonDownloadUnderTheConsolesHeaders() throws Exception {
        ConsoleFixture.Session auditor = console.login(console.createKey(Role.AUDITOR, "default", "bom reader"));
        HttpResponse<String> bom = console.get("/models/bom?name=signed", Optional.of(auditor.cookie()));
        assertThat(bom.statusCode()).isEqualTo(200);
        assertThat(bom.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(bom.headers().firstValue("Content-Disposition")).contains("attachment; filename=\"signed.cdx.json\"");
        assertThat(bom.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("default-src 'none'"));
        var json = Json.MAPPER.readTree(bom.body());
        assertThat(json.path("bomFormat").asText()).isEqualTo("CycloneDX");
        assertThat(json.path("specVersion").asText()).isEqualTo("1.6");
        assertThat(bom.body()).contains("machine-learning-model");
        assertThat(console.get("/models/bom?name=nope", Optional.of(auditor.cookie())).statusCode()).isEqualTo(404);
        assertThat(console.get("/models/bom?name=signed", Optional.empty()).statusCode()).isEqualTo(303);
    }
}
