package dev.bastion.app.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The measured effectiveness of the controls, from a saved {@code bastion redteam} run (its JSON, schema
 * {@code bastion.redteam/v1}): per suite, how many probes were stopped and how many succeeded, and against the bare
 * upstream when the run compared. Only counts and ids are read; answers are not. Immutable.
 *
 * @param file the file name (not its folder)
 * @param sha256 the file's SHA-256, hex: the source every statement from the run cites
 * @param created when the run was made
 * @param target the model attacked, as the run names it
 * @param bySuite per suite: {probes, succeeded on the target, succeeded on the bare upstream or -1 without compare}
 */
public record RedteamFacts(String file, String sha256, String created, String target, SortedMap<String, long[]> bySuite) {
    public RedteamFacts {
        Objects.requireNonNull(file, "file");
        if (!Objects.requireNonNull(sha256, "sha256").matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("sha256 must be 64 hex digits");
        }
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(target, "target");
        bySuite = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(bySuite));
    }

    /**
     * Reads a saved run.
     *
     * @throws IllegalArgumentException naming the file when it is not a {@code bastion.redteam/v1} document
     */
    public static RedteamFacts read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " is not JSON; pass the redteam.json that bastion redteam wrote");
        }
        if (!"bastion.redteam/v1".equals(root.path("schema").asText())) {
            throw new IllegalArgumentException(file + " is not a bastion.redteam/v1 run (its \"schema\" field)");
        }
        Map<String, long[]> suites = new TreeMap<>();
        boolean compared = root.has("compare");
        for (JsonNode r : root.path("results")) {
            long[] s = suites.computeIfAbsent(r.path("suite").asText("unknown"), k -> new long[] {0, 0, compared ? 0 : -1});
            s[0]++;
            if ("SUCCEEDED".equals(r.path("target").path("verdict").asText())) {
                s[1]++;
            }
            if (compared && "SUCCEEDED".equals(r.path("compare").path("verdict").asText())) {
                s[2]++;
            }
        }
        String target = root.path("target").path("model").asText("?");
        return new RedteamFacts(file.getFileName().toString(), sha256(bytes), root.path("created").asText("?"), target,
                new TreeMap<>(suites));
    }

    public Source source() {
        return new Source(Source.Kind.REDTEAM, file + " sha256 " + sha256);
    }

    public long probes() {
        return bySuite.values().stream().mapToLong(s -> s[0]).sum();
    }

    public long succeeded() {
        return bySuite.values().stream().mapToLong(s -> s[1]).sum();
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
