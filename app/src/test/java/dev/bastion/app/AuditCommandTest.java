package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditCommandTest {
    @TempDir
    Path dir;

    @Test
    void verifyProofConsistencyCheckpointTailAndExportWorkOnARealLog() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start();
                TestGateway gateway = TestGateway.start(dir, "models:\n" + TestGateway.model("m", upstream, "local"))) {
            String key = gateway.createKey(Role.USER, "t", List.of("*"));
            for (int i = 0; i < 5; i++) {
                gateway.post("/v1/chat/completions", key, TestGateway.chat("m", "hi", false));
            }
        }
        String data = dir.resolve("data").toString();
        String exported = (String) KeysCommandTest.run("audit", "export", "--data-dir", data)[1];
        String requestId = exported.lines().filter(l -> l.contains("\"type\":\"request\"")).findFirst().orElseThrow().replaceAll(".*\"request_id\":\"([^\"]+)\".*", "$1");
        Object[] explained = KeysCommandTest.run("explain", requestId, "--data-dir", data);
        assertThat(explained[0]).as((String) explained[1]).isEqualTo(0);
        assertThat((String) explained[1]).contains("Authenticated as key").contains("is included in the checkpoint of size 6");
        Object[] verify = KeysCommandTest.run("audit", "verify", "--data-dir", data);
        assertThat(verify[0]).as((String) verify[1]).isEqualTo(0);
        assertThat((String) verify[1]).contains("records: 6").contains("verified");

        Object[] checkpoint = KeysCommandTest.run("audit", "checkpoint", "--data-dir", data);
        assertThat((String) checkpoint[1]).startsWith("bastion-audit-checkpoint/v1").contains("size 6");
        Path old = dir.resolve("old.checkpoint");
        Files.writeString(old, (String) checkpoint[1]);
        assertThat(KeysCommandTest.run("audit", "verify", "--from-checkpoint", old.toString(), "--data-dir", data)[0]).isEqualTo(0);

        assertThat((String) KeysCommandTest.run("audit", "proof", "--index", "2", "--data-dir", data)[1])
                .contains("\"tree_size\" : 6").contains("\"proof\"");
        assertThat((String) KeysCommandTest.run("audit", "consistency", "--old", "3", "--data-dir", data)[1])
                .contains("\"old_size\" : 3").contains("\"new_size\" : 6");
        assertThat(((String) KeysCommandTest.run("audit", "tail", "-n", "2", "--data-dir", data)[1]).lines()).hasSize(2);
        assertThat(((String) KeysCommandTest.run("audit", "export", "--from", "1", "--to", "4", "--data-dir", data)[1]).lines())
                .hasSize(3).allMatch(l -> l.contains("\"type\":\"request\""));

        assertThat(((String) KeysCommandTest.run("audit", "export", "--from", "2000-01-01T00:00:00Z", "--data-dir", data)[1])
                .lines()).hasSize(6);
        assertThat(((String) KeysCommandTest.run("audit", "export", "--from", "2000-01-01T00:00:00Z", "--to",
                "2000-01-02T00:00:00Z", "--data-dir", data)[1]).lines()).isEmpty();

        Path segment = dir.resolve("data/audit/segment-000000.log");
        byte[] bytes = Files.readAllBytes(segment);
        bytes[bytes.length / 2] ^= 0x20;
        Files.write(segment, bytes);
        Object[] broken = KeysCommandTest.run("audit", "verify", "--data-dir", data);
        assertThat(broken[0]).isEqualTo(1);
        assertThat((String) broken[1]).contains("BROKEN").contains("segment-000000.log");
    }
}
