package dev.bastion.privacy.fl.net;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A fresh EC P-256 key pair and a self-signed X.509 v3 certificate for it (ECDSA with SHA-256, subject and issuer
 * {@code CN=name}, no extensions): the TLS identity of a site or coordinator. Nothing chains to a CA: peers pin the
 * certificate's SHA-256 fingerprint, which the admin-signed {@link Roster} lists, so the certificate only has to
 * carry the key. The JDK has no public certificate builder and no library on the class path offers one, so this
 * class writes the few DER structures of RFC 5280 section 4.1 itself and lets the JDK's {@link CertificateFactory}
 * parse and check the result.
 */
public record SelfSignedCertificate(KeyPair keys, X509Certificate certificate) {

    /** Generates the key pair and signs the certificate, valid from a day before {@code now} for {@code validity}. */
    public static SelfSignedCertificate create(String name, Instant now, Duration validity) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair keys = g.generateKeyPair();
            byte[] algorithm = seq(oid(new byte[] {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x04, 0x03, 0x02}));
            byte[] dn = seq(set(seq(oid(new byte[] {0x55, 0x04, 0x03}), tlv(0x0c, name.getBytes(StandardCharsets.UTF_8)))));
            byte[] serial = new byte[16];
            new SecureRandom().nextBytes(serial);
            serial[0] &= 0x7f;
            byte[] tbs = seq(tlv(0xa0, tlv(0x02, new byte[] {2})), tlv(0x02, new BigInteger(1, serial).toByteArray()),
                    algorithm, dn, seq(time(now.minus(Duration.ofDays(1))), time(now.plus(validity))), dn,
                    keys.getPublic().getEncoded());
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(keys.getPrivate());
            s.update(tbs);
            byte[] signature = s.sign();
            byte[] bits = new byte[signature.length + 1];
            System.arraycopy(signature, 0, bits, 1, signature.length);
            byte[] der = seq(tbs, algorithm, tlv(0x03, bits));
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
            cert.verify(keys.getPublic());
            return new SelfSignedCertificate(keys, cert);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot make an EC P-256 certificate", e);
        }
    }

    /** SHA-256 of the certificate's DER, lower-case hex: what the roster pins. */
    public static String fingerprint(X509Certificate certificate) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 or the certificate encoding is unavailable", e);
        }
    }

    private static byte[] time(Instant t) {
        String text = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC).format(t);
        return tlv(0x17, text.getBytes(StandardCharsets.US_ASCII)); // UTCTime: valid up to 2049
    }

    private static byte[] oid(byte[] encoded) {
        return tlv(0x06, encoded);
    }

    private static byte[] seq(byte[]... parts) {
        return tlv(0x30, concat(parts));
    }

    private static byte[] set(byte[]... parts) {
        return tlv(0x31, concat(parts));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** DER tag, definite length (short or long form), value. */
    private static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = value.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            byte[] len = BigInteger.valueOf(n).toByteArray();
            int skip = len[0] == 0 ? 1 : 0;
            out.write(0x80 | (len.length - skip));
            out.write(len, skip, len.length - skip);
        }
        out.writeBytes(value);
        return out.toByteArray();
    }
}
