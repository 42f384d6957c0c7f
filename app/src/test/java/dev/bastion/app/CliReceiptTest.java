package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Admin actions taken with the CLI while a gateway runs (and holds the audit log) reach the same log. */
class CliReceiptTest {
    @TempDir
    Path dir;

    @Test
    void aKeyCreatedOnTheCommandLineWhileTheGatewayRunsIsRecordedByTheGateway() throws Exception {
        String data = dir.resolve("data").toString();
        try (FakeUpstream upstream = FakeUpstream.start();
                TestGateway gateway = TestGateway.start(dir, "models:\n" + TestGateway.model("m", upstream, "local"))) {
            assertThat(gateway.get("/readyz", null).status()).isEqualTo(200);
            Object[] created = KeysCommandTest.run("keys", "create", "--role", "user", "--data-dir", data);
            assertThat(created[0]).isEqualTo(0);
            assertThat((String) created[2]).doesNotContain("no audit receipt");
            String exported = "";
            for (int i = 0; i < 100 && !exported.contains("\"action\":\"key.create\""); i++) {
                Thread.sleep(50);
                exported = (String) KeysCommandTest.run("audit", "export", "--data-dir", data)[1];
            }
            assertThat(exported).contains("\"action\":\"key.create\"").contains("\"key_id\":\"cli\"");
        }
        Object[] verify = KeysCommandTest.run("audit", "verify", "--data-dir", data);
        assertThat(verify[0]).as((String) verify[1]).isEqualTo(0);
    }
}
