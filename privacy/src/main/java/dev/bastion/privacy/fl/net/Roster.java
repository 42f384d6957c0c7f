package dev.bastion.privacy.fl.net;

import dev.bastion.crypto.SigningKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Who belongs to a federation, signed by its admin: the federation id, the coordinator's TLS certificate
 * fingerprint, and per site its SecAgg id (1..n, in roster order), name, long-term Ed25519 key (X.509, base64) and
 * TLS certificate fingerprint (SHA-256 of the DER, hex). Sites and the coordinator load it with the admin key they
 * were given at {@code fl init} ({@code admin.pub} in their key directory) and refuse it if the signature fails;
 * they then refuse every TLS peer whose certificate is not listed. Immutable and thread-safe.
 *
 * <p>File format, one field a line, the signature (Ed25519, base64) over the exact UTF-8 bytes of every line above
 * it:
 * <pre>
 * bastion-fl-roster/1
 * federation: ID
 * admin-key: BASE64
 * coordinator: FINGERPRINT
 * site: 1 NAME BASE64 FINGERPRINT
 * ...
 * signature: BASE64
 * </pre>
 * Parsing is strict (the file is re-rendered from what was parsed and must match), so there is one reading.
 */
public record Roster(String federation, byte[] adminKey, String coordinatorFingerprint, List<Site> sites,
        byte[] signature) {

    static final String FORMAT = "bastion-fl-roster/1";

    /** One site: its SecAgg id, name, Ed25519 key and certificate fingerprint. */
    public record Site(int id, String name, byte[] signingKey, String certificateFingerprint) {
        public Site {
            if (id < 1 || !isName(name) || !isFingerprint(certificateFingerprint)
                    || signingKey.length == 0) {
                throw new IllegalArgumentException("a site needs an id >= 1, a name of letters, digits, '.', '_' or "
                        + "'-', a signing key and a hex SHA-256 fingerprint");
            }
            signingKey = signingKey.clone();
        }
    }

    public Roster {
        if (!isName(federation) || !isFingerprint(coordinatorFingerprint)) {
            throw new IllegalArgumentException("the federation id is letters, digits, '.', '_' or '-' (at most 64), "
                    + "and the coordinator fingerprint hex SHA-256");
        }
        sites = List.copyOf(sites);
        Set<String> seen = new HashSet<>(Set.of(coordinatorFingerprint));
        for (int i = 0; i < sites.size(); i++) {
            Site s = sites.get(i);
            if (s.id() != i + 1 || !seen.add(s.name()) || !seen.add(s.certificateFingerprint())) {
                throw new IllegalArgumentException("sites are numbered 1..n in order, with distinct names and "
                        + "certificates");
            }
        }
        if (sites.size() < 2) {
            throw new IllegalArgumentException("a federation needs at least two sites");
        }
        adminKey = adminKey.clone();
        signature = signature.clone();
    }

    /** Signs a roster with the admin key. */
    public static Roster sign(String federation, SigningKey admin, String coordinatorFingerprint, List<Site> sites) {
        Roster unsigned = new Roster(federation, admin.publicKeyX509(), coordinatorFingerprint, sites, new byte[0]);
        return new Roster(federation, admin.publicKeyX509(), coordinatorFingerprint, sites,
                admin.sign(unsigned.body().getBytes(StandardCharsets.UTF_8)));
    }

    private String body() {
        Base64.Encoder b64 = Base64.getEncoder();
        StringBuilder s = new StringBuilder(FORMAT).append('\n');
        s.append("federation: ").append(federation).append('\n');
        s.append("admin-key: ").append(b64.encodeToString(adminKey)).append('\n');
        s.append("coordinator: ").append(coordinatorFingerprint).append('\n');
        for (Site site : sites) {
            s.append("site: ").append(site.id()).append(' ').append(site.name()).append(' ')
                    .append(b64.encodeToString(site.signingKey())).append(' ').append(site.certificateFingerprint())
                    .append('\n');
        }
        return s.toString();
    }

    public String render() {
        return body() + "signature: " + Base64.getEncoder().encodeToString(signature) + "\n";
    }

    /** Whether the roster names {@code trustedAdmin} (X.509) as its admin and the admin's signature holds. */
    public boolean signedBy(byte[] trustedAdmin) {
        return Arrays.equals(adminKey, trustedAdmin) && SigningKey.verify(SigningKey.Algorithm.ED25519, adminKey,
                body().getBytes(StandardCharsets.UTF_8), signature);
    }

    public Optional<Site> siteByFingerprint(String fingerprint) {
        return sites.stream().filter(s -> s.certificateFingerprint().equals(fingerprint)).findFirst();
    }

    public Optional<Site> siteByName(String name) {
        return sites.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /**
     * Reads and checks a roster file against the admin key the reader trusts.
     *
     * @throws IllegalArgumentException naming the file and line when it does not parse, or when its signature
     *     fails or it names another admin
     */
    public static Roster load(Path file, byte[] trustedAdmin) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Roster r = parse(text, file.toString());
        if (!r.signedBy(trustedAdmin)) {
            throw new IllegalArgumentException(file + ": the roster is not signed by the federation admin key this "
                    + "site or coordinator was given; refusing it");
        }
        return r;
    }

    static Roster parse(String text, String where) {
        String[] lines = text.split("\n", -1);
        try {
            if (lines.length < 7 || !lines[0].equals(FORMAT) || !lines[lines.length - 1].isEmpty()) {
                throw new IllegalArgumentException("line 1: not a " + FORMAT + " file");
            }
            Base64.Decoder b64 = Base64.getDecoder();
            String federation = field(lines, 1, "federation");
            byte[] admin = b64.decode(field(lines, 2, "admin-key"));
            String coordinator = field(lines, 3, "coordinator");
            List<Site> sites = new ArrayList<>();
            int i = 4;
            for (; i < lines.length - 2; i++) {
                String[] parts = field(lines, i, "site").split(" ", -1);
                if (parts.length != 4) {
                    throw new IllegalArgumentException("line " + (i + 1) + ": a site line is 'site: ID NAME KEY FINGERPRINT'");
                }
                sites.add(new Site(Integer.parseInt(parts[0]), parts[1], b64.decode(parts[2]), parts[3]));
            }
            byte[] signature = b64.decode(field(lines, i, "signature"));
            Roster r = new Roster(federation, admin, coordinator, sites, signature);
            if (!r.render().equals(text)) {
                throw new IllegalArgumentException("the file is not in canonical form");
            }
            return r;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static String field(String[] lines, int i, String key) {
        String prefix = key + ": ";
        if (!lines[i].startsWith(prefix)) {
            throw new IllegalArgumentException("line " + (i + 1) + ": expected '" + key + ":'");
        }
        return lines[i].substring(prefix.length());
    }

    /** Letters, digits, '.', '_' or '-', starting with a letter or digit, at most 64. */
    public static boolean isName(String s) {
        if (s.isEmpty() || s.length() > 64 || !Character.isLetterOrDigit(s.charAt(0))) {
            return false;
        }
        return s.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-'));
    }

    static boolean isFingerprint(String s) {
        return s.length() == 64 && s.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }
}
