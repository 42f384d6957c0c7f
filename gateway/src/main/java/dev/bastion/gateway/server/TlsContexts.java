package dev.bastion.gateway.server;

import dev.bastion.crypto.InsecureSecretAccess;
import dev.bastion.gateway.config.TlsSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** Builds the listener's TLS context from a PKCS#12 keystore. */
public final class TlsContexts {
    private TlsContexts() {
    }

    /** @throws IllegalStateException naming the keystore file when it cannot be read or opened */
    public static SSLContext fromKeystore(TlsSettings tls, Map<String, String> env) {
        char[] password = tls.keystorePassword().resolve(env).toUtf8(InsecureSecretAccess.get()).toCharArray();
        try (InputStream in = Files.newInputStream(tls.keystore())) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("server.tls.keystore: cannot open " + tls.keystore() + " as a PKCS#12 keystore ("
                    + e.getClass().getSimpleName() + "); check the file and its password", e);
        } finally {
            java.util.Arrays.fill(password, '\0');
        }
    }
}
