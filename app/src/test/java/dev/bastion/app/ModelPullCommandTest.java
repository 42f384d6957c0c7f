package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelPullCommandTest {
    @TempDir
    Path dir;

    private HttpServer server;
    private byte[] model;
    private String sha;

    @BeforeEach
    void serve() throws Exception {
        model = gguf();
        sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(model));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/m.gguf", ex -> {
            ex.sendResponseHeaders(200, model.length);
            ex.getResponseBody().write(model);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/m.gguf?token=canary-7f3e";
    }

    /** A minimal GGUF v3: architecture qwen2, file type Q8_0, a 2-token vocabulary, one F32 tensor of 4096. */
    static byte[] gguf() {
        ByteBuffer b = ByteBuffer.allocate(32_768).order(ByteOrder.LITTLE_ENDIAN);
        b.put("GGUF".getBytes(StandardCharsets.US_ASCII)).putInt(3).putLong(1).putLong(4);
        str(b, "general.architecture").putInt(8);
        str(b, "qwen2");
        str(b, "general.file_type").putInt(4).putInt(7);
        str(b, "qwen2.context_length").putInt(4).putInt(32768);
        str(b, "tokenizer.ggml.tokens").putInt(9).putInt(8).putLong(2);
        str(b, "a");
        str(b, "b");
        str(b, "w").putInt(1).putLong(4096).putInt(0).putLong(0);
        b.position((b.position() + 31) / 32 * 32 + 4096 * 4);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b.array(), 0, b.position());
        return out.toByteArray();
    }

    private static ByteBuffer str(ByteBuffer b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        return b.putLong(bytes.length).put(bytes);
    }

    @Test
    void aPulledModelIsInstalledListedAndDescribedAndThePullIsAuditedWithoutTheUrlsQuery() throws Exception {
        String dd = dir.resolve("data").toString();

        Object[] pull = KeysCommandTest.run("model", "pull", url(), "--sha256", sha, "--name", "tiny", "--data-dir", dd);

        assertThat(pull[0]).as((String) pull[2]).isEqualTo(0);
        assertThat((String) pull[1]).contains("pulled ").contains("sha256 " + sha + " verified");
        assertThat((String) pull[2]).contains("100.0%").doesNotContain("\r");
        assertThat(Files.readAllBytes(dir.resolve("data/models/tiny.gguf"))).isEqualTo(model);

        Object[] list = KeysCommandTest.run("model", "list", "--data-dir", dd);
        assertThat((String) list[1]).containsPattern("tiny +\\d+\\.\\d KiB +qwen2 +Q8_0 +" + sha);

        Object[] info = KeysCommandTest.run("model", "info", "--data-dir", dd, dir.resolve("data/models/tiny.gguf").toString());
        assertThat(info[0]).isEqualTo(0);
        assertThat((String) info[1]).contains("architecture:    qwen2").contains("file type:       Q8_0")
                .contains("context length:  32768").contains("vocabulary:      2").contains("sha256:          " + sha)
                .contains("chat template:   none").contains("licence:         - (general.license not set)");

        Object[] audit = KeysCommandTest.run("audit", "tail", "--data-dir", dd, "-n", "10");
        assertThat((String) audit[1]).contains("model.pull").contains("installed sha256=" + sha).contains("model.info")
                .doesNotContain("canary-7f3e");
    }

    @Test
    void aWrongHashExitsOneSayingBothHashesAndInstallsNothing() throws Exception {
        String wrong = "0".repeat(64);
        Path models = dir.resolve("models");

        Object[] pull = KeysCommandTest.run("model", "pull", url(), "--sha256", wrong, "--model-dir", models.toString(),
                "--data-dir", dir.resolve("data").toString());

        assertThat(pull[0]).isEqualTo(1);
        assertThat((String) pull[2]).contains("expected " + wrong).contains("got " + sha);
        assertThat(KeysCommandTest.run("model", "list", "--model-dir", models.toString(), "--data-dir",
                dir.resolve("data").toString())[1]).asString().startsWith("no models in ");
    }

    @Test
    void badInvocationsAreClearErrors() {
        String dd = dir.resolve("data").toString();

        Object[] noHash = KeysCommandTest.run("model", "pull", url(), "--data-dir", dd);
        Object[] unknown = KeysCommandTest.run("model", "pull", "gpt-9-ultra", "--data-dir", dd);
        Object[] plain = KeysCommandTest.run("model", "pull", "http://models.example.com/m.gguf", "--sha256", sha,
                "--data-dir", dd);
        Object[] notGguf = KeysCommandTest.run("model", "info", "--data-dir", dd, "pom.xml");

        assertThat(noHash[0]).isEqualTo(1);
        assertThat((String) noHash[2]).contains("a URL needs --sha256 HEX");
        assertThat((String) unknown[2]).contains("no model 'gpt-9-ultra' in the catalogue");
        assertThat((String) plain[2]).contains("refusing plain http to models.example.com");
        assertThat(notGguf[0]).isEqualTo(1);
        assertThat((String) notGguf[2]).contains("pom.xml is not a usable GGUF model: not a GGUF file");
    }

    @Test
    void theCatalogueListsEveryModelWithItsUrlHashAndSource() {
        Object[] out = KeysCommandTest.run("model", "catalogue");

        assertThat(out[0]).isEqualTo(0);
        assertThat((String) out[1]).contains("llama-3.2-1b-instruct-q4_k_m").contains("qwen2.5-0.5b-instruct-q4_k_m")
                .contains("https://huggingface.co/").containsPattern("sha256 [0-9a-f]{64} \\(source: ");
    }
}
