package dev.bastion.app.redteam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The probes shipped in {@code resources/redteam/}: {@code context.json} (the planted system prompt, synthetic
 * records, secret, tools and attacker host), {@code attacks.json} (goals crossed with jailbreak templates, carriers
 * and encodings) and {@code single.json} (hand-written probes and resource probes). Expansion is deterministic, so
 * a probe id names the same request in every run of the same file versions. Immutable and thread-safe.
 */
public final class ProbeLibrary {
    /** The suites {@code --suite} accepts. */
    public static final List<String> SUITES = List.of("all", "owasp-llm-2025", "injection", "extraction", "pii",
            "secrets", "exfiltration", "tools", "dos");
    static final List<String> FILES = List.of("context.json", "attacks.json", "single.json");

    private final List<Probe> probes;
    private final Map<String, String> fileSha256;

    private ProbeLibrary(List<Probe> probes, Map<String, String> fileSha256) {
        this.probes = List.copyOf(probes);
        this.fileSha256 = Map.copyOf(fileSha256);
    }

    /** Loads and expands the shipped probe files. */
    public static ProbeLibrary builtIn() {
        ObjectMapper json = new ObjectMapper();
        Map<String, JsonNode> files = new LinkedHashMap<>();
        Map<String, String> sha = new LinkedHashMap<>();
        for (String name : FILES) {
            try (InputStream in = ProbeLibrary.class.getResourceAsStream("/redteam/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("probe file redteam/" + name + " is missing from the build");
                }
                byte[] bytes = in.readAllBytes();
                sha.put(name, sha256(bytes));
                files.put(name, json.readTree(bytes));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read probe file redteam/" + name, e);
            }
        }
        ProbeBuilder builder = new ProbeBuilder(files.get("context.json"));
        List<Probe> all = new ArrayList<>(builder.matrix(files.get("attacks.json")));
        all.addAll(builder.singles(files.get("single.json")));
        all.addAll(builder.resources(files.get("single.json")));
        Set<String> ids = new LinkedHashSet<>();
        for (Probe p : all) {
            if (!ids.add(p.id())) {
                throw new IllegalStateException("two probes share the id " + p.id());
            }
        }
        return new ProbeLibrary(all, sha);
    }

    /** Every probe, in file order. */
    public List<Probe> all() {
        return probes;
    }

    /** SHA-256 of each probe file, so a report names the exact probe set it ran. */
    public Map<String, String> fileSha256() {
        return fileSha256;
    }

    /**
     * The probes of a suite: {@code all}; {@code owasp-llm-2025}, the first probe of each combination of OWASP
     * category, carrier, detector and encoding (a quick pass over every category); or one suite by name.
     *
     * @throws IllegalArgumentException naming the known suites
     */
    public List<Probe> suite(String name) {
        return switch (name) {
            case "all" -> probes;
            case "owasp-llm-2025" -> {
                Map<String, Probe> first = new LinkedHashMap<>();
                for (Probe p : probes) {
                    first.putIfAbsent(p.owasp() + "|" + p.carrier() + "|" + p.detector() + "|" + p.encoding(), p);
                }
                yield List.copyOf(first.values());
            }
            default -> {
                if (!SUITES.contains(name)) {
                    throw new IllegalArgumentException("--suite must be one of " + String.join(", ", SUITES)
                            + "; got '" + name + "'");
                }
                yield probes.stream().filter(p -> p.suite().equals(name)).toList();
            }
        };
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A short stable code derived from a probe id: markers and canaries differ per probe and never change. */
    static String code(String kind, String id) {
        return sha256((kind + ":" + id).getBytes(StandardCharsets.UTF_8)).substring(0, 12).toUpperCase(java.util.Locale.ROOT);
    }

    static List<String> names(JsonNode list, List<String> all) {
        if (list.isTextual() && list.asText().equals("*")) {
            return all;
        }
        List<String> out = new ArrayList<>();
        for (JsonNode n : list) {
            if (!all.contains(n.asText())) {
                throw new IllegalArgumentException("probe file names '" + n.asText() + "', which is not one of " + all);
            }
            out.add(n.asText());
        }
        return out;
    }

    static ArrayNode array(JsonNode node) {
        return node instanceof ArrayNode a ? a : new ObjectMapper().createArrayNode();
    }

    static ObjectNode object(JsonNode node, String what) {
        if (!(node instanceof ObjectNode o)) {
            throw new IllegalArgumentException("probe file: " + what + " must be an object");
        }
        return o;
    }
}
