package dev.bastion.gateway.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The model supply-chain policy (keys under {@code model-security}): every local model is scanned before it is
 * loaded; a model whose signature exists but does not verify is always refused; with {@code requireSignature} an
 * unsigned model is refused too.
 *
 * @param requireSignature refuse local models without a valid signature by one of {@code trustedKeys}
 * @param trustedKeys public key files (PEM) whose signatures are accepted
 * @param requireAssessment assessment kinds a local model's signed BOM must record passing runs of
 */
public record ModelSecuritySettings(boolean requireSignature, List<Path> trustedKeys, List<String> requireAssessment) {
    private static final List<String> KINDS = List.of("membership", "fairness", "extraction", "robustness",
            "inversion", "poisoning");

    public ModelSecuritySettings {
        trustedKeys = List.copyOf(trustedKeys);
        requireAssessment = List.copyOf(requireAssessment);
        for (String k : requireAssessment) {
            if (!KINDS.contains(k)) {
                throw new IllegalArgumentException("model-security.require-assessment: unknown kind '" + k
                        + "' (one of " + String.join(", ", KINDS) + ")");
            }
        }
        if (!requireAssessment.isEmpty() && trustedKeys.isEmpty()) {
            throw new IllegalArgumentException("model-security.require-assessment needs at least one file in "
                    + "model-security.trusted-keys (the BOM is trusted only when signed)");
        }
        if (requireSignature && trustedKeys.isEmpty()) {
            throw new IllegalArgumentException("model-security.require-signature needs at least one file in "
                    + "model-security.trusted-keys");
        }
    }
}
