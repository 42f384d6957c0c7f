package dev.bastion.models.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ModelSigningTest {
    @TempDir
    Path dir;

    private Path model() throws Exception {
        Path m = dir.resolve("tiny-llama");
        Files.createDirectories(m.resolve("tokenizer"));
        Files.write(m.resolve("model.safetensors"), new byte[4096]);
        Files.writeString(m.resolve("config.json"), "{\"hidden_size\": 64}");
        Files.writeString(m.resolve("tokenizer/vocab.txt"), "a\nb\nc\n");
        Files.createDirectories(m.resolve(".git"));
        Files.writeString(m.resolve(".git/HEAD"), "ref: refs/heads/main\n");
        return m;
    }

    private static List<String> problems(VerificationReport r) {
        return r.problems().stream().map(VerificationReport.Problem::describe).toList();
    }

    @ParameterizedTest
    @EnumSource(value = SigningAlgorithm.class, names = {"ED25519", "ECDSA_P256", "ML_DSA_65"})
    void signedDirectoryVerifiesWithEachAlgorithm(SigningAlgorithm alg) throws Exception {
        Path m = model();
        Path keys = ModelKeys.write(dir.resolve("keys-" + alg), alg).getParent();
        PublicKey pub = ModelKeys.readPublic(keys.resolve(ModelKeys.PUBLIC_FILE));
        Path sig = ModelSigning.defaultSignaturePath(m);
        Manifest signed = ModelSigning.sign(m, ModelKeys.readPrivate(keys.resolve(ModelKeys.PRIVATE_FILE)), pub, sig,
                List.of());
        assertThat(signed.digests()).containsOnlyKeys("config.json", "model.safetensors", "tokenizer/vocab.txt");
        VerificationReport r = ModelSigning.verify(m, sig, List.of(pub), List.of());
        assertThat(problems(r)).isEmpty();
        assertThat(r.verified()).isTrue();
        assertThat(r.filesChecked()).isEqualTo(3);
        assertThat(r.algorithm()).contains(alg);
        if (!System.getProperty("os.name").startsWith("Windows")) {
            assertThat(Files.getPosixFilePermissions(keys.resolve(ModelKeys.PRIVATE_FILE)).toString())
                    .isEqualTo("[OWNER_READ, OWNER_WRITE]");
        }
    }

    @Test
    void tamperingIsReportedFileByFile() throws Exception {
        Path m = model();
        KeyPair k = ModelKeys.generate(SigningAlgorithm.ED25519);
        Path sig = ModelSigning.defaultSignaturePath(m);
        ModelSigning.sign(m, k.getPrivate(), k.getPublic(), sig, List.of());
        byte[] weights = Files.readAllBytes(m.resolve("model.safetensors"));
        weights[1234] ^= 1;
        Files.write(m.resolve("model.safetensors"), weights);
        Files.writeString(m.resolve("backdoor.py"), "import os");
        Files.delete(m.resolve("tokenizer/vocab.txt"));
        VerificationReport r = ModelSigning.verify(m, sig, List.of(k.getPublic()), List.of());
        assertThat(problems(r)).containsExactlyInAnyOrder("changed: model.safetensors",
                "extra (not signed): backdoor.py", "missing: tokenizer/vocab.txt");
        assertThat(r.verified()).isFalse();
    }

    @Test
    void anUnknownKeyAndAnAlteredStatementAreBothCaught() throws Exception {
        Path m = model();
        KeyPair signer = ModelKeys.generate(SigningAlgorithm.ECDSA_P256);
        KeyPair other = ModelKeys.generate(SigningAlgorithm.ECDSA_P256);
        Path sig = ModelSigning.defaultSignaturePath(m);
        ModelSigning.sign(m, signer.getPrivate(), signer.getPublic(), sig, List.of());
        assertThat(problems(ModelSigning.verify(m, sig, List.of(other.getPublic()), List.of())))
                .singleElement().asString().startsWith("signed by an unknown key");
        // Swap in a statement listing a different digest, keeping the original signature.
        ObjectMapper json = new ObjectMapper();
        JsonNode bundle = json.readTree(sig.toFile());
        String payload = new String(Base64.getDecoder().decode(bundle.path("dsseEnvelope").path("payload").asText()));
        String forged = payload.replace("tiny-llama", "tiny-llamb");
        ((com.fasterxml.jackson.databind.node.ObjectNode) bundle.path("dsseEnvelope")).put("payload",
                Base64.getEncoder().encodeToString(forged.getBytes()));
        json.writeValue(sig.toFile(), bundle);
        assertThat(problems(ModelSigning.verify(m, sig, List.of(signer.getPublic()), List.of())))
                .contains("bad signature: the signed statement was altered or signed by another key");
    }

    @Test
    void aSignatureFromAnotherModelDoesNotFit() throws Exception {
        Path a = model();
        Path b = dir.resolve("other");
        Files.createDirectories(b);
        Files.writeString(b.resolve("weights.bin"), "other weights");
        KeyPair k = ModelKeys.generate(SigningAlgorithm.ED25519);
        ModelSigning.sign(b, k.getPrivate(), k.getPublic(), ModelSigning.defaultSignaturePath(b), List.of());
        Files.copy(ModelSigning.defaultSignaturePath(b), ModelSigning.defaultSignaturePath(a));
        assertThat(problems(ModelSigning.verify(a, ModelSigning.defaultSignaturePath(a), List.of(k.getPublic()),
                List.of()))).contains("missing: weights.bin", "extra (not signed): config.json");
    }

    @Test
    void aSingleFileIsSignedAsDotAndSymlinksAreRefused() throws Exception {
        Path f = dir.resolve("model.gguf");
        Files.write(f, new byte[] {1, 2, 3});
        KeyPair k = ModelKeys.generate(SigningAlgorithm.ED25519);
        Path sig = ModelSigning.defaultSignaturePath(f);
        assertThat(sig.getFileName().toString()).isEqualTo("model.gguf.sig");
        assertThat(ModelSigning.sign(f, k.getPrivate(), k.getPublic(), sig, List.of()).digests()).containsOnlyKeys(".");
        assertThat(ModelSigning.verify(f, sig, List.of(k.getPublic()), List.of()).verified()).isTrue();
        Path m = model();
        Files.createSymbolicLink(m.resolve("link"), f);
        assertThatThrownBy(() -> Manifest.of(m, List.of())).hasMessageContaining("symbolic link in the model: link");
    }

    @Test
    void garbageInsteadOfABundleIsAMalformedReportNotACrash() throws Exception {
        Path m = model();
        Path sig = dir.resolve("bad.sig");
        Files.writeString(sig, "{not json");
        VerificationReport r = ModelSigning.verify(m, sig, List.of(), List.of());
        assertThat(problems(r)).singleElement().asString().startsWith("malformed signature");
    }

    // Interoperability with the reference implementation's published v1.1.0 example (see test resources README).

    private static Path interop(String name) throws URISyntaxException {
        return Path.of(ModelSigningTest.class.getResource("/interop/" + name).toURI());
    }

    @Test
    void theReferenceImplementationsBundleVerifiesWithOurVerifier() throws Exception {
        Path model = interop("v1.1.0-elliptic-key");
        PublicKey theirs = ModelKeys.readPublic(interop("signing-key-pub.pem"));
        VerificationReport r = ModelSigning.verify(model, model.resolve("model.sig"), List.of(theirs), List.of());
        assertThat(problems(r)).isEmpty();
        assertThat(r.algorithm()).contains(SigningAlgorithm.ECDSA_P384);
        assertThat(r.filesChecked()).isEqualTo(2);
        assertThat(r.signer()).contains("e8450dec4eb99dae995da9af1bc2cc9f76ed669ee2e744f57abba763df3e3f8e");
    }

    @Test
    void ourStatementForTheSameFolderEqualsTheirs() throws Exception {
        Path model = interop("v1.1.0-elliptic-key");
        SignatureBundle theirs = SignatureBundle.read(model.resolve("model.sig"));
        Manifest ours = Manifest.of(model, List.of(".git", "model.sig", "ignore-me", ".gitattributes", ".gitignore",
                ".github"));
        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(Statement.payload(ours))).isEqualTo(json.readTree(theirs.payload()));
        // and the key hint we compute is theirs
        assertThat(SignatureBundle.hint(ModelKeys.readPublic(interop("signing-key-pub.pem"))))
                .isEqualTo(theirs.keyHint().orElseThrow());
    }
}
