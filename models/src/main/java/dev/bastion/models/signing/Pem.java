package dev.bastion.models.signing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/**
 * PEM encoding of keys: PKCS#8 private keys and SubjectPublicKeyInfo public keys, written with 64-character lines
 * exactly as OpenSSL and Python's cryptography write them (the key hint in a bundle is the SHA-256 of that text).
 * Reading skips any text before the block, as tools such as certtool put there.
 */
public final class Pem {
    private static final List<String> KEY_FACTORIES = List.of("EC", "Ed25519", "ML-DSA");

    private Pem() {
    }

    public static String encode(String type, byte[] der) {
        String b64 = Base64.getEncoder().encodeToString(der);
        StringBuilder s = new StringBuilder("-----BEGIN ").append(type).append("-----\n");
        for (int i = 0; i < b64.length(); i += 64) {
            s.append(b64, i, Math.min(b64.length(), i + 64)).append('\n');
        }
        return s.append("-----END ").append(type).append("-----\n").toString();
    }

    public static String publicKey(PublicKey key) {
        return encode("PUBLIC KEY", key.getEncoded());
    }

    static byte[] decode(String text, String type, String where) {
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        if (b < 0 || e < b) {
            throw new IllegalArgumentException(where + " has no '" + begin + "' block"
                    + (text.contains("EC PRIVATE KEY") ? " (convert SEC1 keys with `openssl pkcs8 -topk8 -nocrypt`)" : ""));
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e).getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(where + ": the " + type + " block is not valid base64");
        }
    }

    public static PublicKey readPublicKey(String text, String where) {
        byte[] der = decode(text, "PUBLIC KEY", where);
        for (String alg : KEY_FACTORIES) {
            try {
                return KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                // try the next kind
            }
        }
        throw new IllegalArgumentException(where + " is not an EC, Ed25519 or ML-DSA public key");
    }

    public static PrivateKey readPrivateKey(String text, String where) {
        byte[] der = decode(text, "PRIVATE KEY", where);
        for (String alg : KEY_FACTORIES) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                // try the next kind
            }
        }
        throw new IllegalArgumentException(where + " is not an EC, Ed25519 or ML-DSA private key (PKCS#8)");
    }
}
