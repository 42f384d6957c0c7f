package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedteamCommandTest {
    @TempDir
    Path dir;

    @Test
    void anUnknownSuiteIsAUsageErrorNamingTheKnownSuites() {
        Object[] out = KeysCommandTest.run("redteam", "--target", "http://127.0.0.1:9/v1", "--model", "m", "--suite",
                "jailbreaks", "--out", dir.toString());
        assertThat(out[0]).isEqualTo(ExitCodes.USAGE);
        assertThat((String) out[2]).contains("'jailbreaks'").contains("exfiltration");
    }

    @Test
    void withoutATargetTheCommandLineIsRefused() {
        Object[] out = KeysCommandTest.run("redteam", "--model", "m");
        assertThat(out[0]).isEqualTo(ExitCodes.USAGE);
        assertThat((String) out[2]).contains("--target");
    }

    @Test
    void anEndpointThatDoesNotAnswerFailsSayingSoAndStillWritesTheReports() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        Object[] out = KeysCommandTest.run("redteam", "--target", "http://127.0.0.1:" + port + "/v1", "--model", "m",
                "--suite", "secrets", "--out", dir.toString(), "--timeout", "5", "--format", "json");
        assertThat(out[0]).isEqualTo(ExitCodes.FAILED);
        com.fasterxml.jackson.databind.JsonNode summary = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree((String) out[1]);
        assertThat(summary.path("schema").asText()).isEqualTo("bastion.redteam/v1");
        assertThat(summary.path("summary").path("verdicts").path("ERROR").asInt()).isEqualTo(32);
        assertThat(summary.has("results")).as("the summary leaves the results to the file").isFalse();
        assertThat((String) out[2]).contains("every probe failed with an error");
        assertThat(Files.readString(dir.resolve("redteam.json"))).contains("\"ERROR\"").contains("ConnectException");
        assertThat(dir.resolve("redteam-junit.xml")).exists();
    }
}
