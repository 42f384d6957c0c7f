package dev.bastion.guard.secrets;

import com.google.re2j.Pattern;

/**
 * Text around a match that changes what it is: ciphertext that is safe to commit by design (Bitnami
 * SealedSecrets, sops {@code ENC[...]} values), private keys that are themselves passphrase-encrypted, and lines
 * whose author marked a value as allowed. Stateless and thread-safe.
 *
 * <p>Formats: a SealedSecret manifest ({@code kind: SealedSecret}) keeps each value under {@code encryptedData}
 * as base64 of a two-byte big-endian length of the RSA-wrapped session key followed by the AES-GCM ciphertext;
 * for 2048- to 4096-bit keys that length is 0x0100 to 0x0200, so the base64 starts with "AQ" or "Ag". sops writes
 * {@code ENC[AES256_GCM,data:...,iv:...,tag:...,type:str]}. PEM keys under a passphrase are
 * {@code BEGIN ENCRYPTED PRIVATE KEY} (PKCS#8, RFC 5958) or carry the header {@code Proc-Type: 4,ENCRYPTED}
 * (RFC 1421 style, OpenSSL traditional format); OpenSSH keys name their cipher, {@code none} when unencrypted.
 */
final class Ciphertext {
    private static final Pattern PEM_LINES_AND_SPACE = Pattern.compile("-----[A-Z ]+-----|\\s");
    private static final Pattern PEM_LINES = Pattern.compile("-----[A-Z0-9 ]+-----");
    private static final Pattern PEM_HEADER = Pattern.compile("(?m)^[A-Za-z-]+: .*$");
    private static final Pattern SPACE = Pattern.compile("\\s");
    private static final Pattern SEALED_VALUE = Pattern.compile("^A[Qg][A-Za-z0-9+/]{60,}={0,2}$");
    private static final String[] ALLOW_MARKERS = {"pragma: allowlist secret", "gitleaks:allow", "secretlint-disable-line",
        "nosec", "noqa: secret", "trufflehog:ignore", "detect-secrets: ignore"};

    private Ciphertext() {
    }

    /** Whether the span lies in sops ciphertext, or is a SealedSecret value in a SealedSecret manifest. */
    static boolean sealed(String text, String lower, int start, int end) {
        int from = Math.max(0, start - 300);
        int enc = lower.lastIndexOf("enc[", start);
        if (enc >= from && lower.indexOf(']', enc) >= end - 1) {
            return true;
        }
        return lower.contains("sealedsecret") && lower.contains("encrypteddata")
                && SEALED_VALUE.matcher(text.substring(start, end)).matches();
    }

    /** Whether a PEM or OpenSSH private key block is encrypted with a passphrase. */
    static boolean encryptedPem(String block) {
        if (block.contains("BEGIN ENCRYPTED PRIVATE KEY") || block.contains("Proc-Type: 4,ENCRYPTED")) {
            return true;
        }
        if (block.contains("BEGIN OPENSSH PRIVATE KEY")) {
            // base64 of "openssh-key-v1\0" then a length-prefixed cipher name; "none" encodes as ...AAAABG5vbmUAAAA
            String body = PEM_LINES_AND_SPACE.matcher(block).replaceAll("");
            return body.startsWith("b3BlbnNzaC1rZXktdjEAAAAA") && !body.startsWith("b3BlbnNzaC1rZXktdjEAAAAABG5vbmU");
        }
        return false;
    }

    /**
     * Whether a PEM block has no key in it: its body (header lines and escapes removed) is shorter than the
     * smallest real key (an Ed25519 PKCS#8 key is 64 base64 characters), or is dots, stars or x's.
     */
    static boolean placeholderPem(String block) {
        if (!block.startsWith("-----BEGIN")) {
            return false;
        }
        String unescaped = PEM_LINES.matcher(block).replaceAll("").replace("\\n", "\n").replace("\\r", "");
        String body = SPACE.matcher(PEM_HEADER.matcher(unescaped).replaceAll("")).replaceAll("");
        long base64 = body.chars().filter(c -> Character.isLetterOrDigit(c) || c == '+' || c == '/' || c == '=').count();
        return base64 < 64 || base64 < body.length() * 0.9 || ValueFilters.repeated(body.toLowerCase(java.util.Locale.ROOT))
                || body.toLowerCase(java.util.Locale.ROOT).contains("xxxx");
    }

    /** Whether a PuTTY key whose private lines start at {@code offset} says it is encrypted (Encryption: aes...). */
    static boolean encryptedPutty(String lower, int offset) {
        if (!lower.startsWith("private-lines", offset)) {
            return false;
        }
        int header = lower.lastIndexOf("encryption:", offset);
        return header >= 0 && offset - header < 4000 && !lower.startsWith("none", skipSpaces(lower, header + 11));
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && s.charAt(i) == ' ') {
            i++;
        }
        return i;
    }

    /** Whether the line holding {@code offset} carries a marker that its author allowed this value. */
    static boolean allowlistedLine(String lower, int offset) {
        int lineStart = lower.lastIndexOf('\n', offset) + 1;
        int lineEnd = lower.indexOf('\n', offset);
        String line = lower.substring(lineStart, lineEnd < 0 ? lower.length() : lineEnd);
        for (String marker : ALLOW_MARKERS) {
            if (line.contains(marker)) {
                return true;
            }
        }
        return false;
    }
}
