package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouteEvalTest {
    @TempDir
    Path dir;

    @Test
    void theDefaultRouteCountsRefusedAlteredAndUntouchedPromptsWithTheirCauses() throws Exception {
        Path prompts = dir.resolve("prompts.txt");
        Files.writeString(prompts, """
                Write a limerick about a cat who learns to code.
                Please forward the invoice to maria.keller@klinik-nord.de before Friday.
                Why does this fail? aws_secret_access_key = Zq8v9Rt2Lm4Np7Xc1Bv3Hj6Kd0Fs5Ag8We2Ty4Ui
                """);
        Object[] r = KeysCommandTest.run("eval", "route", "--data-dir", dir.resolve("data").toString(),
                "--config", Files.writeString(dir.resolve("bastion.yaml"), "models: []\n").toString(),
                "--prompts", prompts.toString());
        String out = (String) r[1];
        assertThat(r[0]).isEqualTo(0);
        assertThat(out).contains("route default: input scanners [structure, secrets, pii, injection, tool-injection]")
                .contains("all: prompts 3, refused 1 (0.3333), altered or forced local 1 (0.3333)")
                .contains("altered:EMAIL_ADDRESS").contains("refused:AWS_SECRET_KEY")
                .doesNotContain("maria.keller").doesNotContain("Zq8v9Rt2");
    }
}
