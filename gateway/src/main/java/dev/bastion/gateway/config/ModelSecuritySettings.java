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
 */
public record ModelSecuritySettings(boolean requireSignature, List<Path> trustedKeys) {
    public ModelSecuritySettings {
        trustedKeys = List.copyOf(trustedKeys);
        if (requireSignature && trustedKeys.isEmpty()) {
            throw new IllegalArgumentException("model-security.require-signature needs at least one file in "
                    + "model-security.trusted-keys");
        }
    }
}
