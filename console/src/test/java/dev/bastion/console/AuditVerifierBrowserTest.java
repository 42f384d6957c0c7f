package dev.bastion.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.audit.Checkpoint;
import dev.bastion.audit.MerkleTree;
import dev.bastion.audit.Proofs;
import dev.bastion.audit.Verifier;
import dev.bastion.gateway.api.Json;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The browser's verifier (console.js on WebCrypto) and the Java one ({@link Proofs}, {@link Checkpoint#verify} and
 * {@link Verifier}, as {@code bastion audit verify} runs them) agree on valid proofs and on every kind of tampering.
 */
class AuditVerifierBrowserTest {
    private static final String IMPORT = "const done = arguments[arguments.length - 1];"
            + "import('/assets/console.js').then(m => ";

    @TempDir
    Path dir;
    @TempDir
    Path profile;

    private static String jsCheckRecord(Browser b, JsonNode data) {
        return (String) b.driver.executeAsyncScript(IMPORT + "m.checkRecord(JSON.parse(arguments[0])))"
                + ".then(r => done(r.state), e => done('error: ' + e))", data.toString());
    }

    private static String jsCheckConsistency(Browser b, String older, JsonNode data) {
        return (String) b.driver.executeAsyncScript(IMPORT + "m.checkConsistency(arguments[0], JSON.parse(arguments[1])))"
                + ".then(r => done(r.state), e => done('error: ' + e))", older, data.toString());
    }

    private static boolean javaCheckRecord(JsonNode data) {
        try {
            Checkpoint cp = Checkpoint.decode(data.path("checkpoint").asText());
            byte[] record = Base64.getDecoder().decode(data.path("record").asText());
            return cp.verify(Base64.getDecoder().decode(data.path("public_key").asText()))
                    && Proofs.verifyInclusion(data.path("index").asLong(), cp.size(), MerkleTree.leafHash(record),
                            hashes(data), cp.root());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean javaCheckConsistency(String olderText, JsonNode data) {
        try {
            Checkpoint older = Checkpoint.decode(olderText);
            Checkpoint latest = Checkpoint.decode(data.path("checkpoint").asText());
            byte[] key = Base64.getDecoder().decode(data.path("public_key").asText());
            return older.verify(key) && latest.verify(key) && Proofs.verifyConsistency(older.size(), latest.size(),
                    hashes(data), older.root(), latest.root());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static List<byte[]> hashes(JsonNode data) {
        List<byte[]> out = new ArrayList<>();
        data.path("proof").forEach(h -> out.add(Base64.getDecoder().decode(h.asText())));
        return out;
    }

    private static String flipBase64(String b64, int at) {
        byte[] b = Base64.getDecoder().decode(b64);
        b[Math.floorMod(at, b.length)] ^= 0x01;
        return Base64.getEncoder().encodeToString(b);
    }

    /** The checkpoint text with one line's base64 field changed by {@code change}. */
    private static String editCheckpoint(String text, String field, UnaryOperator<String> change) {
        List<String> lines = new ArrayList<>(List.of(text.strip().split("\n")));
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(field + " ")) {
                String[] parts = lines.get(i).split(" ");
                parts[parts.length - 1] = change.apply(parts[parts.length - 1]);
                lines.set(i, String.join(" ", parts));
            }
        }
        return String.join("\n", lines) + "\n";
    }

    private static JsonNode json(String body) throws Exception {
        return Json.MAPPER.readTree(body);
    }

    @Test
    void theBrowserAndJavaAgreeOnValidAndTamperedInclusionAndConsistencyProofs() throws Exception {
        try (ConsoleFixture console = ConsoleFixture.start(dir, "audit:\n  checkpoint-every: 1\n");
                Browser b = Browser.open(profile, 1280, 800)) {
            ConsoleFixture.Session admin = console.login(console.adminKey);
            String older = console.gateway.auditLog().latestCheckpoint().orElseThrow().encode();
            for (int i = 0; i < 5; i++) {
                console.login(console.adminKey);
            }
            ConsoleBrowserTest.loginAt(b, console, console.adminKey);
            b.get(console.origin() + "/audit");
            ObjectNode valid = (ObjectNode) json(console.get("/audit/proof?index=1", Optional.of(admin.cookie())).body());
            assertThat(valid.path("proof").size()).as("a proof with several hashes").isGreaterThan(1);
            assertThat(javaCheckRecord(valid)).isTrue();
            assertThat(jsCheckRecord(b, valid)).isEqualTo("verified");

            Map<String, UnaryOperator<ObjectNode>> tamperings = new LinkedHashMap<>();
            tamperings.put("a changed record", d -> d.put("record", flipBase64(d.path("record").asText(), 30)));
            tamperings.put("a changed proof hash", d -> {
                ((ArrayNode) d.get("proof")).set(0, flipBase64(d.path("proof").get(0).asText(), 5));
                return d;
            });
            tamperings.put("a dropped proof hash", d -> {
                ((ArrayNode) d.get("proof")).remove(0);
                return d;
            });
            tamperings.put("another index", d -> d.put("index", d.path("index").asLong() + 1));
            tamperings.put("a changed signature", d -> d.put("checkpoint",
                    editCheckpoint(d.path("checkpoint").asText(), "sig", s -> flipBase64(s, 7))));
            tamperings.put("a changed tree head", d -> d.put("checkpoint",
                    editCheckpoint(d.path("checkpoint").asText(), "root", s -> flipBase64(s, 3))));
            tamperings.put("another public key", d -> d.put("public_key", flipBase64(d.path("public_key").asText(), 40)));
            for (Map.Entry<String, UnaryOperator<ObjectNode>> t : tamperings.entrySet()) {
                ObjectNode tampered = t.getValue().apply(valid.deepCopy());
                assertThat(javaCheckRecord(tampered)).as("Java on " + t.getKey()).isFalse();
                assertThat(jsCheckRecord(b, tampered)).as("browser on " + t.getKey()).isEqualTo("failed");
            }

            long oldSize = Checkpoint.decode(older).size();
            ObjectNode grown = (ObjectNode) json(console.get("/audit/consistency?size=" + oldSize,
                    Optional.of(admin.cookie())).body());
            assertThat(javaCheckConsistency(older, grown)).isTrue();
            assertThat(jsCheckConsistency(b, older, grown)).isEqualTo("verified");
            String forged = editCheckpoint(older, "root", s -> flipBase64(s, 9));
            assertThat(javaCheckConsistency(forged, grown)).isFalse();
            assertThat(jsCheckConsistency(b, forged, grown)).isEqualTo("failed");
            ObjectNode badProof = grown.deepCopy();
            ((ArrayNode) badProof.get("proof")).set(0, flipBase64(badProof.path("proof").get(0).asText(), 1));
            assertThat(javaCheckConsistency(older, badProof)).isFalse();
            assertThat(jsCheckConsistency(b, older, badProof)).isEqualTo("failed");
            assertThat(b.cspViolations()).isEmpty();
        }
    }

    @Test
    void aRecordChangedOnDiskFailsInThePageAndInTheJavaVerifier() throws Exception {
        try (ConsoleFixture console = ConsoleFixture.start(dir, "audit:\n  checkpoint-every: 1\n");
                Browser b = Browser.open(profile, 1280, 800)) {
            ConsoleBrowserTest.loginAt(b, console, console.adminKey);
            console.login(console.adminKey);
            Path audit = console.dataDir.resolve("audit");
            byte[] publicKey = console.gateway.auditLog().latestCheckpoint().isPresent()
                    ? Verifier.readPublicKey(console.dataDir.resolve("keys/audit-signing.key.pub")) : new byte[0];
            long index = -1;
            for (long i = 0; i < console.gateway.auditLog().size() && index < 0; i++) {
                if (new String(console.gateway.auditLog().record(i), StandardCharsets.UTF_8).contains("\"console.login\"")) {
                    index = i;
                }
            }
            assertThat(index).isNotNegative();
            assertThat(Verifier.verify(audit, publicKey, Optional.empty()).ok()).isTrue();
            assertThat(clickVerify(b, console, index)).isEqualTo("verified");

            Path segment = audit.resolve("segment-000000.log");
            byte[] bytes = Files.readAllBytes(segment);
            int at = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("\"console.login\"");
            assertThat(at).isNotNegative();
            try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
                f.seek(at + 10);
                f.write('p'); // console.login -> console.lpgin
            }
            assertThat(Verifier.verify(audit, publicKey, Optional.empty()).ok()).isFalse();
            assertThat(clickVerify(b, console, index)).isEqualTo("failed");
        }
    }

    @Test
    void anMlDsaCheckpointIsNotVerifiedHere() {
        try (ConsoleFixture console = ConsoleFixture.start(dir, "audit:\n  checkpoint-every: 1\n"
                + "  signature-algorithm: ml-dsa-65\n");
                Browser b = Browser.open(profile, 1280, 800)) {
            ConsoleBrowserTest.loginAt(b, console, console.adminKey);
            assertThat(clickVerify(b, console, 0)).isEqualTo("not-verified");
            assertThat(b.driver.findElement(By.id("verify-status")).getText()).containsIgnoringCase("not verified here");
        }
    }

    @Test
    void withoutWebCryptoThePageSaysNotVerifiedHereAndOffersNoCheck() {
        try (ConsoleFixture console = ConsoleFixture.start(dir, "audit:\n  checkpoint-every: 1\n");
                Browser b = Browser.open(profile, 1280, 800)) {
            b.driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
                    "Object.defineProperty(Crypto.prototype, 'subtle', { get: () => undefined });"));
            ConsoleBrowserTest.loginAt(b, console, console.adminKey);
            b.get(console.origin() + "/audit");
            new WebDriverWait(b.driver, Duration.ofSeconds(10)).until(d -> "not-verified".equals(
                    d.findElement(By.id("verify-status")).getDomAttribute("data-state")));
            assertThat(b.driver.findElement(By.id("verify-status")).getText()).containsIgnoringCase("not verified here");
            assertThat(b.driver.findElements(By.cssSelector("button.verify")))
                    .isNotEmpty().noneMatch(org.openqa.selenium.WebElement::isDisplayed);
        }
    }

    /** Opens the audit log's admin records, presses the record's Verify button, and returns the page's verdict. */
    private static String clickVerify(Browser b, ConsoleFixture console, long index) {
        b.get(console.origin() + "/audit?type=admin");
        b.driver.findElement(By.cssSelector("button.verify[data-index='" + index + "']")).click();
        new WebDriverWait(b.driver, Duration.ofSeconds(10)).until(d -> d.findElement(By.id("verify-status"))
                .getDomAttribute("data-state") != null);
        return b.driver.findElement(By.id("verify-status")).getDomAttribute("data-state");
    }
}
