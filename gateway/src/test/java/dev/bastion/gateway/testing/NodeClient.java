package dev.bastion.gateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs a check script of {@code clients/node} (the official npm clients) against a gateway and returns the last JSON
 * line it printed. The test is skipped when the script's npm package is not installed, and fails instead when
 * {@code BASTION_TEST_NODE_CLIENT=required} (as in CI).
 */
public final class NodeClient {

    private NodeClient() {
    }

    /** Runs {@code node SCRIPT ARGS...}; {@code npmPackage} is the package the script needs (openai, @anthropic-ai/sdk). */
    public static JsonNode run(String script, String npmPackage, String... args) throws Exception {
        Path path = locate(script);
        boolean required = "required".equals(System.getenv("BASTION_TEST_NODE_CLIENT"));
        boolean installed = path != null && Files.isDirectory(path.getParent().resolve("node_modules").resolve(npmPackage));
        if (!installed) {
            assertThat(required).as("BASTION_TEST_NODE_CLIENT=required but clients/node has no node_modules").isFalse();
            Assumptions.abort("the " + npmPackage + " npm package is not installed (run npm ci in clients/node)");
        }
        List<String> command = new ArrayList<>(List.of("node", path.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("node " + script + " ends within 60 s").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        String last = out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("node " + script + " printed no JSON line:\n" + out));
        return new ObjectMapper().readTree(last);
    }

    /** Finds a file relative to the repository root, walking up from the working directory; null when absent. */
    public static Path locate(String relative) {
        for (File d = new File("").getAbsoluteFile(); d != null; d = d.getParentFile()) {
            File f = new File(d, relative);
            if (f.exists()) {
                return f.toPath();
            }
        }
        return null;
    }
}
