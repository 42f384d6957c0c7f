package dev.bastion.audit;

import dev.bastion.crypto.SigningKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

/**
 * A signed statement of the log's state: origin, tree size, tree head and time, signed with a key whose id and
 * algorithm travel with the signature. Text form, one field a line, the signature last:
 *
 * <pre>
 * bastion-audit-checkpoint/v1
 * origin NAME
 * size N
 * root BASE64
 * time ISO-8601
 * sig KEY-ID ALGORITHM BASE64
 * </pre>
 *
 * The signed bytes are the first five lines, each ending in a newline.
 */
public record Checkpoint(String origin, long size, byte[] root, Instant time, String keyId,
        SigningKey.Algorithm algorithm, byte[] signature) {
    static final String HEADER = "bastion-audit-checkpoint/v1";

    public Checkpoint {
        Objects.requireNonNull(origin, "origin");
        if (!origin.matches("[A-Za-z0-9._:/-]{1,128}")) {
            throw new IllegalArgumentException("checkpoint origin must be 1-128 plain characters");
        }
        if (size < 0) {
            throw new IllegalArgumentException("checkpoint size cannot be negative");
        }
        root = Objects.requireNonNull(root, "root").clone();
        if (root.length != 32) {
            throw new IllegalArgumentException("a tree head has 32 bytes");
        }
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(algorithm, "algorithm");
        signature = Objects.requireNonNull(signature, "signature").clone();
    }

    /** Signs the log state with {@code key}. */
    public static Checkpoint sign(String origin, long size, byte[] root, Instant time, SigningKey key) {
        byte[] body = body(origin, size, root, time).getBytes(StandardCharsets.UTF_8);
        return new Checkpoint(origin, size, root, time, key.keyId(), key.algorithm(), key.sign(body));
    }

    /** Whether the signature is valid under {@code publicKeyX509} and that key's id is the one claimed. */
    public boolean verify(byte[] publicKeyX509) {
        return SigningKey.keyIdOf(publicKeyX509).equals(keyId) && SigningKey.verify(algorithm, publicKeyX509,
                body(origin, size, root, time).getBytes(StandardCharsets.UTF_8), signature);
    }

    private static String body(String origin, long size, byte[] root, Instant time) {
        return HEADER + "\norigin " + origin + "\nsize " + size + "\nroot " + Base64.getEncoder().encodeToString(root)
                + "\ntime " + time + "\n";
    }

    /** The text form. */
    public String encode() {
        return body(origin, size, root, time) + "sig " + keyId + " " + algorithm.configName() + " "
                + Base64.getEncoder().encodeToString(signature) + "\n";
    }

    /** @throws IllegalArgumentException saying which line is wrong */
    public static Checkpoint decode(String text) {
        String[] lines = text.strip().split("\n");
        if (lines.length != 6 || !lines[0].equals(HEADER)) {
            throw new IllegalArgumentException("not a " + HEADER + " checkpoint (expected 6 lines, the first '" + HEADER + "')");
        }
        try {
            String origin = field(lines[1], "origin");
            long size = Long.parseLong(field(lines[2], "size"));
            byte[] root = Base64.getDecoder().decode(field(lines[3], "root"));
            Instant time = Instant.parse(field(lines[4], "time"));
            String[] sig = field(lines[5], "sig").split(" ");
            if (sig.length != 3) {
                throw new IllegalArgumentException("line 6: expected 'sig KEY-ID ALGORITHM BASE64'");
            }
            return new Checkpoint(origin, size, root, time, sig[0], SigningKey.Algorithm.fromName(sig[1]),
                    Base64.getDecoder().decode(sig[2]));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("malformed checkpoint: " + e.getMessage(), e);
        }
    }

    private static String field(String line, String name) {
        if (!line.startsWith(name + " ")) {
            throw new IllegalArgumentException("expected a '" + name + "' line");
        }
        return line.substring(name.length() + 1);
    }

    @Override
    public byte[] root() {
        return root.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Checkpoint c && c.encode().equals(encode());
    }

    @Override
    public int hashCode() {
        return encode().hashCode();
    }

    @Override
    public String toString() {
        return "Checkpoint[" + origin + ", size " + size + "]";
    }
}
