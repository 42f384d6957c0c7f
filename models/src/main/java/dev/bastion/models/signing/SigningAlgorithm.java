package dev.bastion.models.signing;

import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.util.Locale;

/**
 * Signature algorithms for model signing. ECDSA P-256 and P-384 are what the OpenSSF reference implementation
 * accepts for key-based signing; Ed25519 and ML-DSA-65 (post-quantum, FIPS 204) are Bastion extensions in the same
 * bundle format, which that implementation does not verify.
 */
public enum SigningAlgorithm {
    ECDSA_P256("ecdsa-p256", "EC", "SHA256withECDSA"),
    ECDSA_P384("ecdsa-p384", "EC", "SHA384withECDSA"),
    ED25519("ed25519", "Ed25519", "Ed25519"),
    ML_DSA_65("ml-dsa-65", "ML-DSA-65", "ML-DSA-65");

    private final String configName;
    private final String keyAlgorithm;
    private final String signatureAlgorithm;

    SigningAlgorithm(String configName, String keyAlgorithm, String signatureAlgorithm) {
        this.configName = configName;
        this.keyAlgorithm = keyAlgorithm;
        this.signatureAlgorithm = signatureAlgorithm;
    }

    public String configName() {
        return configName;
    }

    String keyAlgorithm() {
        return keyAlgorithm;
    }

    String signatureAlgorithm() {
        return signatureAlgorithm;
    }

    public static SigningAlgorithm parse(String s) {
        for (SigningAlgorithm a : values()) {
            if (a.configName.equals(s.strip().toLowerCase(Locale.ROOT))) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown signing algorithm '" + s + "'; use ed25519, ecdsa-p256, "
                + "ecdsa-p384 or ml-dsa-65");
    }

    /** The algorithm a public key signs with. */
    public static SigningAlgorithm of(PublicKey key) {
        if (key instanceof ECPublicKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            return switch (bits) {
                case 256 -> ECDSA_P256;
                case 384 -> ECDSA_P384;
                default -> throw new IllegalArgumentException("unsupported EC curve of " + bits + " bits");
            };
        }
        String alg = key.getAlgorithm();
        if (alg.equals("Ed25519") || alg.equals("EdDSA")) {
            return ED25519;
        }
        if (alg.startsWith("ML-DSA")) {
            return ML_DSA_65;
        }
        throw new IllegalArgumentException("unsupported public key algorithm " + alg);
    }
}
