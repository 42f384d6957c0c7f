package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FairnessCommandTest {
    @TempDir
    Path dir;

    @Test
    void statusPrintsEachGroupAgainstItsBaselineAndFailsOnAlertWhenAsked() throws Exception {
        try (TestGateway g = TestGateway.start(dir, """
                fairness-monitors:
                  - name: credit
                    attributes: [sex]
                    window-size: 20
                    baseline-windows: 1
                    bound: 0.05
                    metrics: [fpr]
                """)) {
            Path adminKey = dir.resolve("data/admin.key");
            Object[] quiet = KeysCommandTest.run("fairness", "status", "--url", g.baseUrl(), "--key-file",
                    adminKey.toString(), "--fail-on-alert");
            assertThat(quiet[0]).as("stderr: %s", quiet[2]).isEqualTo(ExitCodes.OK);
            assertThat((String) quiet[1]).contains("monitor credit: window 20 per group, baseline 1 windows");

            assertThat(g.post("/admin/v1/fairness/outcomes", g.adminKey(), window("a", 0)).status()).isEqualTo(200);
            assertThat(g.post("/admin/v1/fairness/outcomes", g.adminKey(), window("b", 1)).status()).isEqualTo(200);

            Path auditorKey = dir.resolve("auditor.key");
            Files.writeString(auditorKey, g.createKey(Role.AUDITOR, "t", List.of("*")));
            Object[] alerted = KeysCommandTest.run("fairness", "status", "--url", g.baseUrl(), "--key-file",
                    auditorKey.toString(), "--fail-on-alert");
            assertThat(alerted[0]).isEqualTo(ExitCodes.FAILED);
            assertThat((String) alerted[1]).contains("sex=female").contains("fpr             last 1.0000 [")
                    .contains("baseline 0.0000").contains("ALERT sex=female fpr window 2");

            Object[] json = KeysCommandTest.run("fairness", "status", "--url", g.baseUrl(), "--key-file",
                    adminKey.toString(), "--json");
            assertThat(new ObjectMapper().readTree((String) json[1]).at("/data/0/alerts_raised").asInt()).isEqualTo(1);

            Path userKey = dir.resolve("user.key");
            Files.writeString(userKey, g.createKey(Role.USER, "t", List.of("*")));
            Object[] refused = KeysCommandTest.run("fairness", "status", "--url", g.baseUrl(), "--key-file",
                    userKey.toString());
            assertThat(refused[0]).isEqualTo(ExitCodes.FAILED);
            assertThat((String) refused[2]).contains("HTTP 403");
        }
    }

    private static String window(String prefix, int flagged) {
        StringBuilder b = new StringBuilder("{\"monitor\": \"credit\", \"decisions\": [");
        for (int i = 0; i < 20; i++) {
            b.append(i == 0 ? "" : ",").append("{\"request_id\": \"").append(prefix).append(i)
                    .append("\", \"groups\": {\"sex\": \"female\"}, \"decision\": ").append(flagged).append(", \"label\": 0}");
        }
        return b.append("]}").toString();
    }
}
