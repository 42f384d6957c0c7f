package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsEvalTest {
    @TempDir
    Path dir;

    @Test
    void lineLevelEvalReportsRecallAndPrecisionPerSourceAndPooledWithAPeerInTheSameTable() throws Exception {
        Path corpus = dir.resolve("demo");
        Files.createDirectories(corpus.resolve("files"));
        Files.writeString(corpus.resolve("files/app.env"), """
                NAME=demo
                DB_PASSWORD=Gr4nite-Lake-91
                something we do not detect: zz-123
                api_key = 'q8Lm2Rv7Xk4Zp9Tw3Nb6Wq7m'  # pragma: allowlist secret
                """);
        Files.writeString(corpus.resolve("labels.tsv"), "# demo\napp.env\t2\t1\napp.env\t3\t1\napp.env\t4\t0\n");
        Path peer = dir.resolve("peer");
        Files.createDirectories(peer);
        Files.writeString(peer.resolve("demo.tsv"), "app.env\t1\napp.env\t3\n");
        Object[] r = KeysCommandTest.run("eval", "secrets", "--corpus", corpus.toString(), "--peer", "other=" + peer);
        assertThat(r[0]).isEqualTo(0);
        assertThat((String) r[1])
                .contains("| demo | 2 | 0.500 (1/2) | 1.000 (1/1) | 0.500 (1/2) | 0.500 (1/2) |")
                .contains("| pooled | 2 |")
                .doesNotContain("Gr4nite");
    }

    @Test
    void aContinuationLineCountsForTheExampleThatStartsAbove() throws Exception {
        Path corpus = dir.resolve("multi");
        Files.createDirectories(corpus.resolve("files"));
        Files.writeString(corpus.resolve("files/k.txt"), "config:\n  DB_PASSWORD=Gr4nite-Lake-91\n");
        Files.writeString(corpus.resolve("labels.tsv"), "k.txt\t1\t1\nk.txt\t2\tcont\n");
        Object[] r = KeysCommandTest.run("eval", "secrets", "--corpus", corpus.toString());
        assertThat((String) r[1]).contains("| multi | 1 | 1.000 (1/1) | 1.000 (1/1) |");
    }

    @Test
    void scanDecodesUtf16FilesInsteadOfSkippingThem() throws Exception {
        Path repo = dir.resolve("repo");
        Files.createDirectories(repo);
        byte[] body = "[db]\r\nDB_PASSWORD=Gr4nite-Lake-91\r\n".getBytes(StandardCharsets.UTF_16LE);
        byte[] withBom = new byte[body.length + 2];
        withBom[0] = (byte) 0xFF;
        withBom[1] = (byte) 0xFE;
        System.arraycopy(body, 0, withBom, 2, body.length);
        Files.write(repo.resolve("app.ini"), withBom);
        Object[] r = KeysCommandTest.run("scan", "--secrets", repo.toString());
        assertThat(r[0]).isEqualTo(1);
        assertThat((String) r[1]).contains("app.ini:2:").doesNotContain("Gr4nite");
    }
}
