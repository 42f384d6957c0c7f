package dev.bastion.gateway.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * TLS for the listener (keys under {@code server.tls}): a PKCS#12 keystore holding the certificate chain and
 * private key, and where its password comes from.
 */
public record TlsSettings(Path keystore, SecretRef keystorePassword) {
    public TlsSettings {
        Objects.requireNonNull(keystore, "server.tls.keystore");
        Objects.requireNonNull(keystorePassword, "server.tls.keystore-password-env or -file");
    }
}
