package dev.bastion.app.report;

import dev.bastion.crypto.SigningKey;
import java.util.Base64;
import java.util.Objects;

/**
 * A report's signature: made with the audit signing key over the report's canonical bytes (the Markdown text before
 * its signature line; the JSON document without its {@code signature} member, keys sorted, no spaces), with the
 * key's id and algorithm beside it, as checkpoints carry theirs. Immutable.
 */
public record ReportSignature(String keyId, SigningKey.Algorithm algorithm, byte[] value) {
    /** The Markdown trailer: {@code <!-- bastion-report-signature/v1 KEY-ID ALGORITHM BASE64 -->}. */
    static final String MARKDOWN_TAG = "<!-- bastion-report-signature/v1 ";

    public ReportSignature {
        if (!Objects.requireNonNull(keyId, "keyId").matches("[0-9a-f]{16}")) {
            throw new IllegalArgumentException("a key id is 16 hex digits");
        }
        Objects.requireNonNull(algorithm, "algorithm");
        value = Objects.requireNonNull(value, "value").clone();
        if (value.length == 0) {
            throw new IllegalArgumentException("a signature is not empty");
        }
    }

    public static ReportSignature sign(byte[] canonical, SigningKey key) {
        return new ReportSignature(key.keyId(), key.algorithm(), key.sign(canonical));
    }

    /** Whether this signature covers {@code canonical} under the public key, and names that key. */
    public boolean verifies(byte[] canonical, byte[] publicKeyX509) {
        return SigningKey.keyIdOf(publicKeyX509).equals(keyId)
                && SigningKey.verify(algorithm, publicKeyX509, canonical, value);
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    public String base64() {
        return Base64.getEncoder().encodeToString(value);
    }

    /** The Markdown trailer line, with its newline. */
    String markdownLine() {
        return MARKDOWN_TAG + keyId + " " + algorithm.configName() + " " + base64() + " -->\n";
    }

    /** @throws IllegalArgumentException saying what is wrong with the line */
    static ReportSignature fromMarkdownLine(String line) {
        String body = line.strip();
        if (!body.startsWith(MARKDOWN_TAG.strip()) || !body.endsWith("-->")) {
            throw new IllegalArgumentException("the last line is not a bastion-report-signature/v1 comment");
        }
        String[] parts = body.substring(MARKDOWN_TAG.length(), body.length() - 3).strip().split(" ");
        if (parts.length != 3) {
            throw new IllegalArgumentException("the signature line needs KEY-ID ALGORITHM BASE64");
        }
        return new ReportSignature(parts[0], SigningKey.Algorithm.fromName(parts[1]), Base64.getDecoder().decode(parts[2]));
    }
}
