package dev.bastion.models.signing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The in-toto v1 statement a model signature covers, with predicate type
 * {@code https://model_signing/signature/v1.0}: one subject (the model's name and the SHA-256 over all file digests
 * in name order), and a predicate listing every file ({@code resources}: algorithm, name, digest) and the
 * serialization used ({@code files}, sha256, no symlinks, the ignored paths).
 */
public final class Statement {
    public static final String TYPE = "https://in-toto.io/Statement/v1";
    public static final String PREDICATE_TYPE = "https://model_signing/signature/v1.0";
    public static final String PAYLOAD_TYPE = "application/vnd.in-toto+json";
    static final ObjectMapper JSON = new ObjectMapper();

    private Statement() {
    }

    public static byte[] payload(Manifest m) {
        ObjectNode root = JSON.createObjectNode();
        root.put("_type", TYPE);
        ObjectNode subject = root.putArray("subject").addObject();
        subject.put("name", m.modelName());
        subject.putObject("digest").put("sha256", m.rootDigest());
        root.put("predicateType", PREDICATE_TYPE);
        ObjectNode predicate = root.putObject("predicate");
        ArrayNode resources = predicate.putArray("resources");
        for (Map.Entry<String, String> e : m.digests().entrySet()) {
            ObjectNode r = resources.addObject();
            r.put("algorithm", "sha256");
            r.put("name", e.getKey());
            r.put("digest", e.getValue());
        }
        ObjectNode ser = predicate.putObject("serialization");
        ser.put("allow_symlinks", false);
        ser.put("method", "files");
        ser.put("hash_type", "sha256");
        if (!m.ignorePaths().isEmpty()) {
            ArrayNode ignores = ser.putArray("ignore_paths");
            m.ignorePaths().forEach(ignores::add);
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean isSha256Hex(String s) {
        if (s.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads the manifest a payload claims.
     *
     * @throws IllegalArgumentException naming what is wrong: another predicate type, several subjects, a root
     *     digest that does not match the listed files, an unsupported serialization
     */
    public static Manifest parse(byte[] payload) {
        JsonNode root;
        try {
            root = JSON.readTree(payload);
        } catch (IOException e) {
            throw new IllegalArgumentException("the signed payload is not JSON");
        }
        if (root == null || !TYPE.equals(root.path("_type").asText())) {
            throw new IllegalArgumentException("the signed payload is not an in-toto v1 statement");
        }
        String predicateType = root.path("predicateType").asText();
        if (!PREDICATE_TYPE.equals(predicateType)) {
            throw new IllegalArgumentException("unsupported predicate type '" + predicateType + "' (expected "
                    + PREDICATE_TYPE + ")");
        }
        JsonNode subjects = root.path("subject");
        if (!subjects.isArray() || subjects.size() != 1) {
            throw new IllegalArgumentException("the statement must have exactly one subject");
        }
        String name = subjects.get(0).path("name").asText();
        String expectedRoot = subjects.get(0).path("digest").path("sha256").asText();
        JsonNode ser = root.path("predicate").path("serialization");
        if (!"files".equals(ser.path("method").asText()) || !"sha256".equals(ser.path("hash_type").asText())) {
            throw new IllegalArgumentException("unsupported serialization " + ser.path("method").asText() + "/"
                    + ser.path("hash_type").asText() + " (Bastion verifies method 'files' with sha256)");
        }
        if (ser.path("allow_symlinks").asBoolean(false)) {
            throw new IllegalArgumentException("the signature allows symbolic links; Bastion refuses them");
        }
        List<String> ignores = new ArrayList<>();
        ser.path("ignore_paths").forEach(n -> ignores.add(n.asText()));
        Map<String, String> digests = new TreeMap<>();
        for (JsonNode r : root.path("predicate").path("resources")) {
            String digest = r.path("digest").asText();
            if (!"sha256".equals(r.path("algorithm").asText()) || !isSha256Hex(digest)) {
                throw new IllegalArgumentException("resource '" + r.path("name").asText() + "' has no sha256 digest");
            }
            if (digests.put(r.path("name").asText(), digest) != null) {
                throw new IllegalArgumentException("resource '" + r.path("name").asText() + "' is listed twice");
            }
        }
        Manifest m = new Manifest(name, new TreeMap<>(digests), ignores);
        if (!m.rootDigest().equals(expectedRoot)) {
            throw new IllegalArgumentException("the statement is inconsistent: its subject digest does not match "
                    + "its list of files");
        }
        return m;
    }
}
