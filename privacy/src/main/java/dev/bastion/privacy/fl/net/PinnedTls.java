package dev.bastion.privacy.fl.net;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Mutual TLS 1.3 where trust is the roster: a peer is accepted only if the certificate it presents (self-signed,
 * see {@link SelfSignedCertificate}) has a SHA-256 fingerprint in the given set, and within its validity dates.
 * There is no CA and no host name check; the TLS handshake proves the peer holds the pinned key. The coordinator
 * pins every site in the roster and requires client certificates; a site pins the coordinator alone.
 */
public final class PinnedTls {
    private PinnedTls() {
    }

    public static SSLContext context(Identity me, Set<String> trustedFingerprints) {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
            kmf.init(me.tls(), me.password());
            SSLContext ssl = SSLContext.getInstance("TLSv1.3");
            ssl.init(kmf.getKeyManagers(), new TrustManager[] {new Pinning(Set.copyOf(trustedFingerprints))}, null);
            return ssl;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS from " + me.dir(), e);
        }
    }

    private static final class Pinning extends X509ExtendedTrustManager {
        private final Set<String> trusted;

        Pinning(Set<String> trusted) {
            this.trusted = trusted;
        }

        private void check(X509Certificate[] chain) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("the peer sent no certificate");
            }
            chain[0].checkValidity();
            if (!trusted.contains(SelfSignedCertificate.fingerprint(chain[0]))) {
                throw new CertificateException("the peer's certificate is not in the signed roster");
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
