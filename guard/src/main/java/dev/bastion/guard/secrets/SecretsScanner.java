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
 * <p>Each rule is tried only when one of its keywords occurs, and then only on the lines holding a keyword (unless
 * it spans lines), in RE2 (linear time). A match is reported over the secret's span only (never the surrounding
 * text), with score 1.0 when the format's checksum validates, 0.9 for a fixed vendor format, 0.75 to 0.85 for a
 * value assigned to a secret-named key, 0.7 for a free-form password, and 0.3 for informational types. A match is
 * dropped when its value is a documented example, marked fake, a placeholder, too regular to be random, or
 * ciphertext meant to be committed (see {@link ValueFilters} and {@link Ciphertext}); where rules agree on a span,
 * the named format wins over a generic type. Matched values never leave this class except as spans. Immutable and
 * thread-safe.
 */
public final class SecretsScanner implements Scanner {
    public static final String ID = "secrets";
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private final List<SecretRule> rules;
    private final StreamHorizon horizon;
    /** Every distinct keyword of the rules, all looked for in one pass per text. */
    private final dev.bastion.guard.LiteralSet keywords;
    /**
     * Per rule r (same order as {@link #rules}), the indexes of its keywords in {@link #keywords}:
     * {@code ruleKeywords[keywordStart[r]]} up to {@code keywordStart[r + 1]}. One flat array, not an array per rule:
     * every rule is asked on every text, and in a gateway these tables are out of the caches by the next request
     * (docs/benchmarks.md, gateway overhead, round eighteen).
     */
    private final int[] keywordStart;
    private final int[] ruleKeywords;

    public SecretsScanner(List<SecretRule> rules) {
        this.rules = List.copyOf(rules);
        this.horizon = new StreamHorizon(this.rules);
        java.util.Map<String, Integer> index = new java.util.LinkedHashMap<>();
        this.keywordStart = new int[this.rules.size() + 1];
        List<Integer> flat = new ArrayList<>();
        for (int r = 0; r < this.rules.size(); r++) {
            for (String keyword : this.rules.get(r).keywords()) {
                flat.add(index.computeIfAbsent(keyword, x -> index.size()));
            }
            keywordStart[r + 1] = flat.size();
        }
        this.ruleKeywords = flat.stream().mapToInt(Integer::intValue).toArray();
        this.keywords = new dev.bastion.guard.LiteralSet(List.copyOf(index.keySet()));
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
     * buckets, account ids), usernames, places where a credential is passed in (a variable, a placeholder),
     * passphrase-encrypted private keys, matches on lines marked as allowed, and Stripe publishable keys (made to
     * be public). They are reported (and audited) with a low score, and do not block a request by default.
     */
    public static final Set<String> INFORMATIONAL = Set.of("CLOUD_RESOURCE", "USERNAME", "CREDENTIAL_USAGE",
            "ENCRYPTED_PRIVATE_KEY", "ALLOWLISTED_SECRET", "STRIPE_PUBLISHABLE_KEY");

    /** A private key that is itself encrypted with a passphrase (PKCS#8 ENCRYPTED, or PEM Proc-Type ENCRYPTED). */
    public static final String ENCRYPTED_PRIVATE_KEY = "ENCRYPTED_PRIVATE_KEY";

    /** A match on a line whose author marked it as not a secret (pragma: allowlist secret, gitleaks:allow, ...). */
    public static final String ALLOWLISTED_SECRET = "ALLOWLISTED_SECRET";

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
        types.addAll(List.of(ENCRYPTED_PRIVATE_KEY, ALLOWLISTED_SECRET));
        return types;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public java.util.OptionalInt settledBefore(String text) {
        return java.util.OptionalInt.of(horizon.settledBefore(text));
    }

    @Override
    public List<Finding> scan(List<String> segments) {
        List<Finding> findings = new ArrayList<>();
        for (int s = 0; s < segments.size(); s++) {
            String text = segments.get(s);
            String lower = asciiLower(text);
            // Each keyword is looked for once per text (all in one pass), not once per rule that names it; a rule
            // none of whose keywords occur is skipped without building its line list (most rules, on most texts).
            boolean[] present = keywords.present(lower);
            for (int r = 0; r < rules.size(); r++) {
                boolean always = keywordStart[r] == keywordStart[r + 1];
                if (!always && !anyPresent(keywordStart[r], keywordStart[r + 1], present)) {
                    continue; // decided from the flat arrays alone: the rule itself is not read
                }
                SecretRule rule = rules.get(r);
                if (always || rule.multiline()) {
                    scanRule(rule, s, text, lower, 0, text.length(), findings);
                    continue;
                }
                // Single-line rules run only on the lines that hold one of their keywords: RE2 is linear, but
                // a long file times many rules is not, and most lines of a file hold no keyword at all.
                for (int[] line : keywordLines(lower, rule.keywords())) {
                    scanRule(rule, s, text, lower, line[0], line[1], findings);
                }
            }
        }
        return distinctSpans(findings);
    }

    /** Types that say only "some credential": a named format found on the same span is reported instead. */
    private static final Set<String> GENERIC = Set.of("GENERIC_SECRET", "PASSWORD", "DATABASE_PASSWORD");

    /**
     * One finding per span: where rules agree on the same span, a blocking type wins over an informational one,
     * the named format over a generic type (a
     * Twilio token assigned to TWILIO_AUTH_TOKEN is TWILIO_KEY, not PASSWORD), then the higher score, then the
     * earlier rule.
     */
    private static List<Finding> distinctSpans(List<Finding> findings) {
        if (findings.size() < 2) {
            return List.copyOf(findings); // nothing to merge (the usual case: no finding at all)
        }
        java.util.Map<String, Finding> best = new java.util.LinkedHashMap<>();
        for (Finding f : findings) {
            best.merge(f.segment() + ":" + f.start() + ":" + f.end(), f, (a, b) -> {
                boolean aInfo = INFORMATIONAL.contains(a.type());
                if (aInfo != INFORMATIONAL.contains(b.type())) {
                    return aInfo ? b : a; // a credential on the span outranks context about it
                }
                boolean aGeneric = GENERIC.contains(a.type());
                boolean bGeneric = GENERIC.contains(b.type());
                if (aGeneric != bGeneric) {
                    return aGeneric ? b : a;
                }
                return b.score() > a.score() ? b : a;
            });
        }
        return List.copyOf(best.values());
    }

    private boolean anyPresent(int from, int to, boolean[] present) {
        for (int k = from; k < to; k++) {
            if (present[ruleKeywords[k]]) {
                return true;
            }
        }
        return false;
    }

    /** Lower case for ASCII letters only, so offsets in the result are offsets in the original. */
    static String asciiLower(String text) {
        char[] out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                if (out == null) {
                    out = text.toCharArray();
                }
                out[i] = (char) (c + 32);
            }
        }
        return out == null ? text : new String(out);
    }

    /** [start, end) of each line that holds a keyword, in order, each line once. */
    static List<int[]> keywordLines(String lower, List<String> keywords) {
        java.util.TreeMap<Integer, Integer> lines = new java.util.TreeMap<>();
        for (String keyword : keywords) {
            int at = lower.indexOf(keyword);
            while (at >= 0) {
                int start = lower.lastIndexOf('\n', at) + 1;
                int end = lower.indexOf('\n', at + keyword.length());
                end = end < 0 ? lower.length() : end;
                lines.put(start, end);
                at = lower.indexOf(keyword, end);
            }
        }
        List<int[]> out = new ArrayList<>(lines.size());
        lines.forEach((start, end) -> out.add(new int[] {start, end}));
        return out;
    }

    private static void scanRule(SecretRule rule, int segment, String text, String lower, int from, int to,
            List<Finding> findings) {
        String input = from == 0 && to == text.length() ? text : text.substring(from, to);
        Matcher m = rule.pattern().matcher(input);
        int next = 0;
        while (next <= input.length() && m.find(next)) {
            int start;
            int end;
            try {
                start = m.start("secret");
                end = m.end("secret");
            } catch (IllegalArgumentException noGroup) {
                start = m.start();
                end = m.end();
            }
            if (start < 0) { // another alternative matched: its value group, else the whole match, is the finding
                int[] span = otherValueGroup(rule, m);
                start = span[0];
                end = span[1];
            }
            // The next search starts where this secret ends, not where the match ends: a rule that closes with a
            // boundary character consumes it, and the next secret's opening boundary may be that same character
            // ("pnu_... pnu_..."). It always moves on by at least one character.
            next = Math.max(end > start ? end : m.end(), m.start() + 1);
            if (end <= start) {
                continue;
            }
            start += from;
            end += from;
            int whole = end;
            end = ValueFilters.queryValueEnd(text, start, end); // password=password&sql_mode=...: one parameter
            if (end < whole && end - start < 8) {
                continue; // the rule's length was met only by running into the next parameter's name
            }
            String secret = text.substring(start, end);
            // A value under a token name is judged against its own alphabet (ValueFilters.generatedShape, below), not
            // by a fixed number of bits: 16 random hex digits carry at most 4 bits a character, 20 letters more.
            boolean tokenNamed = ValueFilters.tokenName(group(m, "key"));
            if (rule.minEntropy() > 0 && (rule.fixedEntropy() || !tokenNamed) && entropy(secret) < entropyFloor(rule, secret)) {
                continue;
            }
            if (rule.checksum() == SecretRule.Checksum.NOT_PLACEHOLDER && ValueFilters.placeholder(secret)) {
                continue;
            }
            if (rule.checksum() == SecretRule.Checksum.BASE64_USER_PASSWORD && !ValueFilters.base64UserPassword(secret)) {
                continue;
            }
            if (rule.checksum() == SecretRule.Checksum.BASE64_JWT && !ValueFilters.base64Jwt(secret)) {
                continue;
            }
            if (secret.equalsIgnoreCase(group(m, "user"))) {
                continue; // postgres:postgres, mysql:mysql: a local default, not a credential someone chose
            }
            boolean byNameAndShape = rule.checksum() == SecretRule.Checksum.NOT_PLACEHOLDER || rule.minEntropy() > 0;
            if (byNameAndShape && ValueFilters.reference(secret, group(m, "key"))) {
                continue; // NONCOMPLIANT_APITOKEN, settings.API_SECRET, DB_PASSWORD=DB_PASSWORD: where it lives, not what
            }
            if (byNameAndShape && tokenNamed && !ValueFilters.generatedShape(secret)) {
                continue; // PINECONE_API_KEY=pcsk_short, TOKEN=invalid-secret-format: a token name wants a generated value
            }
            if (byNameAndShape && rule.type().equals("GENERIC_SECRET") && ValueFilters.fieldName(secret)) {
                continue; // token = user_account_id: a field name where a generated token was expected
            }
            if (byNameAndShape && end < text.length() && text.charAt(end) == '(') {
                continue; // encoded = encodeURIComponent(config.DB_PASSWORD): a call where a value was expected
            }
            if (rule.type().equals("BEARER_TOKEN") && ValueFilters.camelWords(secret) && secret.chars().noneMatch(Character::isDigit)) {
                continue; // Authorization: SharedAccessSignature sr=...: the scheme's name, not its token
            }
            if (ValueFilters.notASecretName(ValueFilters.nameWithWordsBefore(text, keyStart(m, from), group(m, "key")))) {
                continue; // hashed_secret, foreign_key_id, Vapid Public Key: names that say the value is not a credential
            }
            boolean pem = rule.type().equals("PRIVATE_KEY");
            if (Ciphertext.placeholderPem(secret)) {
                continue; // -----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY----- in documentation
            }
            boolean checksummed = rule.checksum() == SecretRule.Checksum.GITHUB_CRC32 && githubChecksumValid(secret);
            if (!pem && !checksummed && ValueFilters.notASecret(secret)) {
                continue; // a checksum that validates outranks a marker word: only the vendor's format makes one
            }
            if (!pem && ValueFilters.elided(text, start, end)) {
                continue; // ops_eyJzaWdu...[Redacted], xoxp-...-#####: shown cut short or masked, not the credential
            }
            if (Ciphertext.sealed(text, lower, start, end)) {
                continue; // SealedSecret or sops ciphertext: safe to share by design
            }
            String type = rule.type();
            if (pem && (Ciphertext.encryptedPem(secret) || Ciphertext.encryptedPutty(lower, start))) {
                type = ENCRYPTED_PRIVATE_KEY;
            } else if (Ciphertext.allowlistedLine(lower, start)) {
                type = ALLOWLISTED_SECRET;
            }
            double score = INFORMATIONAL.contains(type) ? 0.3 : switch (rule.checksum()) {
                case GITHUB_CRC32 -> githubChecksumValid(secret) ? 1.0 : 0.6;
                case NONE -> rule.score() > 0 ? rule.score() : rule.minEntropy() > 0 ? 0.75 : 0.9;
                case NOT_PLACEHOLDER -> rule.score() > 0 ? rule.score() : 0.7;
                case BASE64_USER_PASSWORD, BASE64_JWT -> 0.9;
            };
            findings.add(new Finding(type, segment, start, end, score, ID));
        }
    }

    /** The first named group other than secret, key and user that took part in the match, else the whole match. */
    private static int[] otherValueGroup(SecretRule rule, Matcher m) {
        int[] best = {m.start(), m.end()};
        int bestIndex = Integer.MAX_VALUE;
        for (java.util.Map.Entry<String, Integer> g : rule.pattern().namedGroups().entrySet()) {
            String name = g.getKey();
            if (!name.equals("secret") && !name.equals("key") && !name.equals("user") && g.getValue() < bestIndex
                    && m.start(g.getValue()) >= 0) {
                best = new int[] {m.start(g.getValue()), m.end(g.getValue())};
                bestIndex = g.getValue();
            }
        }
        return best;
    }

    /** Where the key group starts in the segment's text (the matcher ran from {@code from}), or -1 without one. */
    private static int keyStart(Matcher m, int from) {
        try {
            int at = m.start("key");
            return at < 0 ? -1 : at + from;
        } catch (IllegalArgumentException noGroup) {
            return -1;
        }
    }

    /** The text of a named group, or "" when the pattern has no such group or it did not take part. */
    private static String group(Matcher m, String name) {
        try {
            String g = m.group(name);
            return g == null ? "" : g;
        } catch (IllegalArgumentException noGroup) {
            return "";
        }
    }

    /** The lower floor for long hex values (see {@link #entropyFloor}). */
    static final double HEX_FLOOR = 3.3;

    /**
     * The rule's entropy floor, lowered to {@link #HEX_FLOOR} for a value of 32 or more hex digits. Hex carries at most
     * 4 bits a character, and a random 32-digit value's letter counts come out uneven often enough that about a third
     * of them fall under 3.5 bits (the floor several rules use, fit for mixed-case values); 3.3 still keeps out runs,
     * repeats and two-symbol values, which {@link ValueFilters#notASecret} also rejects.
     */
    static double entropyFloor(SecretRule rule, String secret) {
        return secret.length() >= 32 && isHex(secret) ? Math.min(rule.minEntropy(), HEX_FLOOR) : rule.minEntropy();
    }

    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!java.util.HexFormat.isHexDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
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
                        r.path("min-entropy").asDouble(0), r.path("fixed-entropy").asBoolean(false), r.path("score").asDouble(0), r.path("multiline").asBoolean(false),
                        r.path("stream-hold").asInt(0), SecretRule.Checksum.valueOf(r.path("checksum").asText("NONE")),
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
