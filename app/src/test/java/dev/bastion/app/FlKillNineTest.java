package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.gateway.api.Json;
import dev.bastion.privacy.dp.Table;
import dev.bastion.privacy.fl.net.Coordinator;
import dev.bastion.privacy.fl.net.FeatureSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator and ten site JVMs on loopback ({@code fl serve} and {@code fl join} as real processes). Each site
 * told to stall at a stage is killed with SIGKILL as soon as it says so: one site at share-keys in round 1, a
 * second at masked-input in round 2, a third at unmasking in round 3 (1, 2 and 3 of 10 gone); the secure sum of
 * each of those rounds must equal the plaintext sum of the survivors' quantised inputs (which the sites write out
 * through a test-only option). In round 4 a fourth site dies at the consistency check: 4 of 10 is beyond the
 * tolerance of 3, so every attempt aborts and the round has no output.
 */
class FlKillNineTest {
    private static final Map<Integer, String> STALLS = Map.of(2, "1:share_keys", 5, "2:masked_input",
            8, "3:unmasking", 9, "4:consistency_check");

    @TempDir
    Path dir;

    private static List<String> java(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "dev.bastion.app.Main"));
        command.addAll(List.of(args));
        return command;
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS) // 82 s at load 20 on 2 cores; eleven JVMs start slowly when loaded
    void killingOneTwoAndThreeOfTenSiteJvmsLeavesTheExactSumOfTheSurvivorsAndFourAbortsTheRound() throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            names.add("site-" + i);
            List<String[]> rows = new ArrayList<>();
            Random r = new Random(i);
            for (int k = 0; k < 40; k++) {
                boolean yes = r.nextBoolean();
                rows.add(new String[] {Double.toString((yes ? 1 : -1) + r.nextGaussian()),
                        Double.toString(r.nextGaussian()), yes ? "yes" : "no"});
            }
            Table.write(dir.resolve("site-" + i + ".csv"), List.of("a", "b", "label"), rows);
        }
        assertThat(Main.run(new String[] {"fl", "init", "--federation", "kill9", "--sites", String.join(",", names),
                "--out", dir.resolve("fed").toString()})).isZero();
        Files.writeString(dir.resolve("schema.json"), Json.MAPPER.writeValueAsString(
                FeatureSchema.of(Table.read(dir.resolve("site-1.csv"), true), "label")));
        List<Process> processes = new CopyOnWriteArrayList<>();
        try {
            Process serve = new ProcessBuilder(java("fl", "serve", "--roster", dir.resolve("fed/roster.txt").toString(),
                    "--key", dir.resolve("fed/coordinator").toString(), "--schema", dir.resolve("schema.json").toString(),
                    "--rounds", "4", "--secagg", "full", "--batch-size", "8", "--stage-timeout", "20",
                    "--join-timeout", "150", "--out", dir.resolve("run").toString()))
                    .redirectError(dir.resolve("serve.err").toFile()).start();
            processes.add(serve);
            BufferedReader serveOut = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
            String listening = serveOut.readLine();
            assertThat(listening).as("serve.err: %s", Files.readString(dir.resolve("serve.err"))).startsWith("listening ");
            String server = listening.substring("listening ".length());
            List<Thread> watchers = new ArrayList<>();
            for (int i = 1; i <= 10; i++) {
                List<String> args = new ArrayList<>(List.of("fl", "join", "--server", server, "--roster",
                        dir.resolve("fed/roster.txt").toString(), "--key", dir.resolve("fed/sites/site-" + i).toString(),
                        "--data", dir.resolve("site-" + i + ".csv").toString(), "--label", "label",
                        "--insecure-reveal-input-to", dir.resolve("inputs/" + i).toString()));
                if (STALLS.containsKey(i)) {
                    args.addAll(List.of("--insecure-stall-at", STALLS.get(i)));
                }
                Process site = new ProcessBuilder(java(args.toArray(String[]::new)))
                        .redirectError(dir.resolve("site-" + i + ".err").toFile()).start();
                processes.add(site);
                watchers.add(Thread.ofPlatform().daemon().start(() -> {
                    try (BufferedReader in = site.inputReader(StandardCharsets.UTF_8)) {
                        for (String line; (line = in.readLine()) != null; ) {
                            if (line.startsWith("fl.site.insecure-test-stall")) {
                                site.destroyForcibly(); // SIGKILL
                            }
                        }
                    } catch (IOException e) {
                        // the process is gone
                    }
                }));
            }
            List<String> serveLines = new ArrayList<>();
            long started = System.nanoTime();
            for (String line; (line = serveOut.readLine()) != null; ) {
                serveLines.add(line);
                System.out.printf("%.1f s: %s%n", (System.nanoTime() - started) / 1e9, line);
            }
            assertThat(serve.waitFor()).as("serve: %s %s", serveLines, Files.readString(dir.resolve("serve.err"))).isZero();
            assertThat(serveLines).contains("10 of 10 sites joined");

            Path rounds = dir.resolve("run/rounds");
            assertExactSum(rounds.resolve("001.json"), Set.of(1, 3, 4, 5, 6, 7, 8, 9, 10), 0);
            assertExactSum(rounds.resolve("002.json"), Set.of(1, 3, 4, 6, 7, 8, 9, 10), 1);
            assertExactSum(rounds.resolve("003.json"), Set.of(1, 3, 4, 6, 7, 8, 9, 10), 2);
            JsonNode lost = Json.MAPPER.readTree(rounds.resolve("004.json").toFile());
            assertThat(lost.has("sum_sha256")).as("no output when 4 of 10 are gone").isFalse();
            assertThat(lost.get("aborted_attempts")).hasSize(3);
            assertThat(lost.get("aborted_attempts").get(0).asText()).contains("quorum");
            assertThat(Files.exists(dir.resolve("run/model.json"))).isTrue();
            assertThat(Files.list(dir.resolve("run/audit")).count()).isPositive();
            // no single site's input appears in anything the coordinator wrote or printed
            String everything = String.join("\n", serveLines) + Files.readString(dir.resolve("serve.err"))
                    + Files.readString(rounds.resolve("001.json")) + Files.readString(dir.resolve("run/model.json"));
            for (String v : Files.readAllLines(dir.resolve("inputs/1/000.txt")).subList(0, 5)) {
                if (v.length() > 6) {
                    assertThat(everything).doesNotContain(v);
                }
            }
        } finally {
            for (Process p : processes) {
                p.destroyForcibly();
            }
        }
    }

    private void assertExactSum(Path report, Set<Integer> expectedSurvivors, int attemptIndex) throws IOException {
        JsonNode r = Json.MAPPER.readTree(report.toFile());
        assertThat(r.get("attempts").asInt()).as("%s", r).isEqualTo(1);
        TreeSet<Integer> survivors = new TreeSet<>();
        r.get("survivors").forEach(n -> survivors.add(n.asInt()));
        assertThat(survivors).isEqualTo(new TreeSet<>(expectedSurvivors));
        int bits = r.get("modulus_bits").asInt();
        long[] sum = null;
        for (int s : survivors) {
            List<String> lines = Files.readAllLines(dir.resolve("inputs/" + s + "/" + String.format("%03d.txt", attemptIndex)));
            if (sum == null) {
                sum = new long[lines.size()];
            }
            for (int j = 0; j < lines.size(); j++) {
                sum[j] = (sum[j] + Long.parseLong(lines.get(j))) & ((1L << bits) - 1);
            }
        }
        assertThat(r.get("sum_sha256").asText()).as("the secure sum of %s equals their plaintext sum", report)
                .isEqualTo(Coordinator.sumDigest(sum));
    }
}
