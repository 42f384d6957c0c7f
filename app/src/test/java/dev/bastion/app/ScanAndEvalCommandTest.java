package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScanAndEvalCommandTest {
    @TempDir
    Path dir;

    @Test
    void scanReportsLocationAndTypeButNeverTheSecretAndExitsOneOnFindings() throws Exception {
        Files.createDirectories(dir.resolve("repo/.git"));
        Files.writeString(dir.resolve("repo/app.env"), "NAME=demo\nDATABASE_URL=postgres://app:s3cr3t-Pa55@db:5432/x\n");
        Files.writeString(dir.resolve("repo/.git/config"), "token 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\n");
        Files.write(dir.resolve("repo/blob.bin"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        Object[] r = KeysCommandTest.run("scan", "--secrets", dir.resolve("repo").toString());
        assertThat(r[0]).isEqualTo(1);
        assertThat((String) r[1]).contains("app.env:2:").contains("DATABASE_URL_PASSWORD").doesNotContain("s3cr3t")
                .doesNotContain(".git");
        Files.delete(dir.resolve("repo/app.env"));
        assertThat(KeysCommandTest.run("scan", "--secrets", dir.resolve("repo").toString())[0]).isEqualTo(0);
    }

    @Test
    void evalCountsRecallAndFlaggedNegativesFromRuleExampleFiles() throws Exception {
        Files.createDirectories(dir.resolve("rules"));
        Files.writeString(dir.resolve("rules/demo.yml"), """
                rules:
                  - id: demo.1
                    examples:
                      - 'token: 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'
                      - 'something we do not detect: zz-123'
                    negative_examples:
                      - 'an ordinary sentence'
                """);
        Object[] r = KeysCommandTest.run("eval", "secrets", "--rules-examples", dir.resolve("rules").toString());
        assertThat(r[0]).isEqualTo(0);
        assertThat((String) r[1]).contains("recall 0.500 (1 of 2").contains("negatives flagged 0.000 (0 of 1)");
    }
}
