package dev.bastion.guard.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.bastion.guard.Finding;
import dev.bastion.guard.Scanner;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * Finds credentials in text with the rules of {@code rules.yaml}: cloud keys, code-host and AI-provider tokens,
 * chat and payment keys, JWTs, private keys, database URLs with passwords and high-entropy assignments.
 *
 * <p>Each rule is tried only when one of its keywords occurs, and runs in RE2 (linear time). A match is reported
 * over the secret's span only (never the surrounding text), with score 1.0 when the format's checksum validates,
 * 0.9 for a plain match, and below for entropy-gated generic rules. Matched values never leave this class except
 * as spans. Immutable and thread-safe.
 */
public final class SecretsScanner implements Scanner {
    public static final String ID = "secrets";
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private final List<SecretRule> rules;

    public SecretsScanner(List<SecretRule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** The built-in rules. */
    public static SecretsScanner builtIn() {
        return new SecretsScanner(loadRules());
    }

    public List<SecretRule> rules() {
        return rules;
    }

    /**
     * Finding types that point at sensitive context rather than a usable secret: cloud resource names (ARNs,
     * buckets, account ids), usernames, and places where a credential is passed in (a variable, a placeholder).
     * They are reported (and audited) with a low score, and do not block a request by default.
     */
    public static final Set<String> INFORMATIONAL = Set.of("CLOUD_RESOURCE", "USERNAME", "CREDENTIAL_USAGE");

    /** The finding types that mean a credential is exposed: blocked by default in the gateway. */
    public Set<String> blockingTypes() {
        Set<String> types = new LinkedHashSet<>(types());
        types.removeAll(INFORMATIONAL);
        return types;
    }

    /** The finding types the rules produce. */
    public Set<String> types() {
        Set<String> types = new LinkedHashSet<>();
        rules.forEach(r -> types.add(r.type()));
        return types;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public List<Finding> scan(List<String> segments) {
        List<Finding> findings = new ArrayList<>();
        for (int s = 0; s < segments.size(); s++) {
            String text = segments.get(s);
            String lower = text.toLowerCase(Locale.ROOT);
            for (SecretRule rule : rules) {
                if (!rule.keywords().isEmpty() && rule.keywords().stream().noneMatch(lower::contains)) {
                    continue;
                }
                scanRule(rule, s, text, findings);
            }
        }
        return findings;
    }

    private static void scanRule(SecretRule rule, int segment, String text, List<Finding> findings) {
        Matcher m = rule.pattern().matcher(text);
        while (m.find()) {
            int start;
            int end;
            try {
                start = m.start("secret");
                end = m.end("secret");
            } catch (IllegalArgumentException noGroup) {
                start = m.start();
                end = m.end();
            }
            if (start < 0) { // another alternative of the pattern matched: the whole match is the finding
                start = m.start();
                end = m.end();
            }
            if (end <= start) {
                continue;
            }
            String secret = text.substring(start, end);
            if (rule.minEntropy() > 0 && entropy(secret) < rule.minEntropy()) {
                continue;
            }
            if (rule.checksum() == SecretRule.Checksum.NOT_PLACEHOLDER && placeholder(secret)) {
                continue;
            }
            double score = INFORMATIONAL.contains(rule.type()) ? 0.3 : switch (rule.checksum()) {
                case GITHUB_CRC32 -> githubChecksumValid(secret) ? 1.0 : 0.6;
                case NONE -> rule.minEntropy() > 0 ? 0.75 : 0.9;
                case NOT_PLACEHOLDER -> 0.7;
            };
            findings.add(new Finding(rule.type(), segment, start, end, score, ID));
        }
    }

    private static final java.util.Set<String> PLACEHOLDERS = java.util.Set.of("password", "passwd", "secret",
            "changeme", "change_me", "yourpassword", "your_password", "mypassword", "example", "none", "null", "true",
            "false", "undefined", "redacted", "hidden", "xxx", "xxxx", "xxxxxx", "test", "todo", "string", "pass");

    /** A template variable, a placeholder word, or one character repeated: not a real password. */
    static boolean placeholder(String v) {
        String s = v.toLowerCase(java.util.Locale.ROOT);
        if (s.isEmpty() || PLACEHOLDERS.contains(s) || s.contains("${") || s.contains("{{") || s.startsWith("os.")
                || s.startsWith("env") || s.startsWith("process.env") || s.startsWith("getenv") || s.startsWith("&")
                || s.endsWith(":") || s.contains("$p[") || "${<%[/(.,;:#".indexOf(s.charAt(0)) >= 0
                || s.startsWith("arn:") || (s.contains("/") && s.contains("#"))) {
            return true;
        }
        return s.chars().allMatch(c -> c == s.charAt(0)) || s.chars().allMatch(c -> c == '*' || c == 'x' || c == '.');
    }

    /** Shannon entropy in bits per character. */
    static double entropy(String s) {
        int[] counts = new int[128];
        int other = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 128) {
                counts[c]++;
            } else {
                other++;
            }
        }
        double h = 0;
        for (int c : counts) {
            if (c > 0) {
                double p = (double) c / s.length();
                h -= p * (Math.log(p) / Math.log(2));
            }
        }
        if (other > 0) {
            double p = (double) other / s.length();
            h -= p * (Math.log(p) / Math.log(2));
        }
        return h;
    }

    /**
     * GitHub's token checksum: the last 6 characters are the CRC32 of the random part between the {@code gh?_}
     * prefix and the checksum, in base62 (0-9, A-Z, a-z), zero-padded. (Checked by hand against a token in the
     * Nosey Parker rule examples under ../shared/eval-data; that data is not copied into the tests.)
     */
    static boolean githubChecksumValid(String token) {
        int prefix = token.indexOf('_') + 1;
        if (prefix <= 0 || token.length() < prefix + 7) {
            return false;
        }
        String random = token.substring(prefix, token.length() - 6);
        return githubChecksum(random).equals(token.substring(token.length() - 6));
    }

    static String githubChecksum(String body) {
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.US_ASCII));
        long v = crc.getValue();
        StringBuilder out = new StringBuilder();
        do {
            out.append(BASE62.charAt((int) (v % 62)));
            v /= 62;
        } while (v > 0);
        while (out.length() < 6) {
            out.append('0');
        }
        return out.reverse().toString();
    }

    static List<SecretRule> loadRules() {
        try (InputStream in = SecretsScanner.class.getResourceAsStream("rules.yaml")) {
            if (in == null) {
                throw new IllegalStateException("rules.yaml is missing from the build");
            }
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(in);
            List<SecretRule> rules = new ArrayList<>();
            for (JsonNode r : root.path("rules")) {
                String id = r.path("id").asText();
                Pattern pattern;
                try {
                    pattern = Pattern.compile(r.path("pattern").asText());
                } catch (PatternSyntaxException e) {
                    throw new IllegalStateException("rule " + id + ": invalid RE2 pattern: " + e.getDescription(), e);
                }
                rules.add(new SecretRule(id, r.path("type").asText(), pattern, strings(r.path("keywords")),
                        r.path("min-entropy").asDouble(0), SecretRule.Checksum.valueOf(r.path("checksum").asText("NONE")),
                        strings(r.path("examples")), strings(r.path("counterexamples"))));
            }
            return rules;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the secret rules", e);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
