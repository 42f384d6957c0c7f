package dev.bastion.app.report;

import dev.bastion.crypto.SigningKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.HexFormat;
import java.util.TimeZone;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.ExternalSigningSupport;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.SignatureOptions;

/**
 * Signs a PDF report in the PDF itself (PAdES baseline B, {@code ETSI.CAdES.detached}) with the audit signing key:
 * PDFBox adds a signature field and saves incrementally, leaving a gap for the signature; the bytes around the gap
 * (the signature dictionary's {@code /ByteRange}) are hashed with SHA-512 and signed in a detached CMS SignedData
 * (RFC 5652) whose signed attributes are the content type, the message digest and the ESS signing-certificate-v2
 * (RFC 5035), as PAdES requires (and no signing-time attribute, which it forbids: the time is the dictionary's
 * {@code /M}). The CMS carries a self-signed X.509 certificate for the audit key ({@link #certificate}); a verifier
 * trusts the key, not a CA. Ed25519 follows RFC 8419 (SHA-512 digest); ML-DSA-65 uses its NIST OID
 * (2.16.840.1.101.3.4.3.18) likewise.
 *
 * <p>Why not BouncyCastle: it is not on the class path (only its POM is in the local repository) and the CMS needed
 * here is one fixed structure of a dozen DER items ({@link Der}), written and read by this class and {@link PadesCheck}.
 * Stateless.
 */
public final class PadesSigner {
    static final String DATA = "1.2.840.113549.1.7.1";
    static final String SIGNED_DATA = "1.2.840.113549.1.7.2";
    static final String CONTENT_TYPE = "1.2.840.113549.1.9.3";
    static final String MESSAGE_DIGEST = "1.2.840.113549.1.9.4";
    static final String SIGNING_CERTIFICATE_V2 = "1.2.840.113549.1.9.16.2.47";
    static final String SHA512 = "2.16.840.1.101.3.4.2.3";
    static final String ED25519 = "1.3.101.112";
    static final String ML_DSA_65 = "2.16.840.1.101.3.4.3.18";
    /** Room left for the CMS in the file: an ML-DSA-65 signature (3,309 bytes) and certificate (about 5.3 kB). */
    static final int SIGNATURE_ROOM = 16_384;

    private PadesSigner() {
    }

    static String signatureOid(SigningKey.Algorithm a) {
        return switch (a) {
            case ED25519 -> ED25519;
            case ML_DSA_65 -> ML_DSA_65;
        };
    }

    /** The signed PDF: {@code pdf} with an incremental update holding the signature. */
    public static byte[] sign(byte[] pdf, SigningKey key, Instant now) {
        byte[] cert = certificate(key, now);
        try (PDDocument doc = Loader.loadPDF(pdf); ByteArrayOutputStream out = new ByteArrayOutputStream();
                SignatureOptions options = new SignatureOptions()) {
            PDSignature sig = new PDSignature();
            sig.setFilter(PDSignature.FILTER_ADOBE_PPKLITE);
            sig.setSubFilter(PDSignature.SUBFILTER_ETSI_CADES_DETACHED);
            sig.setName("Bastion audit key " + key.keyId());
            sig.setReason("bastion report, signed with the audit signing key " + key.keyId() + " ("
                    + key.algorithm().configName() + ")");
            Calendar when = new GregorianCalendar(TimeZone.getTimeZone("UTC"));
            when.setTimeInMillis(now.toEpochMilli());
            sig.setSignDate(when);
            options.setPreferredSignatureSize(SIGNATURE_ROOM);
            doc.addSignature(sig, options);
            ExternalSigningSupport external = doc.saveIncrementalForExternalSigning(out);
            byte[] signed = external.getContent().readAllBytes();
            external.setSignature(cms(signed, key, cert));
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot sign the PDF", e);
        }
    }

    /** A detached CMS SignedData over {@code content}, signed by {@code key}, carrying {@code cert}. */
    static byte[] cms(byte[] content, SigningKey key, byte[] cert) {
        byte[] digestAlg = Der.seq(Der.oid(SHA512));
        byte[] attrs = Der.set(
                attribute(CONTENT_TYPE, Der.oid(DATA)),
                attribute(MESSAGE_DIGEST, Der.octets(digest("SHA-512", content))),
                attribute(SIGNING_CERTIFICATE_V2, Der.seq(Der.seq(Der.seq(Der.octets(digest("SHA-256", cert)))))));
        byte[] signature = key.sign(attrs); // over the SET OF, as RFC 5652 section 5.4 says
        byte[] implicitAttrs = attrs.clone();
        implicitAttrs[0] = (byte) 0xA0; // [0] IMPLICIT in the SignerInfo
        Der.Item tbs = Der.read(cert).child(0);
        byte[] issuerAndSerial = Der.seq(tbs.child(3).encoded(), tbs.child(1).encoded());
        byte[] signerInfo = Der.seq(Der.integer(BigInteger.ONE), issuerAndSerial, digestAlg, implicitAttrs,
                Der.seq(Der.oid(signatureOid(key.algorithm()))), Der.octets(signature));
        byte[] signedData = Der.seq(Der.integer(BigInteger.ONE), Der.set(digestAlg), Der.seq(Der.oid(DATA)),
                Der.tlv(0xA0, cert), Der.set(signerInfo));
        return Der.seq(Der.oid(SIGNED_DATA), Der.tlv(0xA0, signedData));
    }

    private static byte[] attribute(String oid, byte[] value) {
        return Der.seq(Der.oid(oid), Der.set(value));
    }

    /**
     * A self-signed X.509 v3 certificate for the audit key (RFC 5280 section 4.1): subject and issuer
     * {@code CN=Bastion audit key KEYID}, the serial number from the key id (so one key has one certificate per
     * validity window), valid from a day before {@code now} for ten years, no extensions. It only carries the key:
     * trust comes from the audit public key the verifier holds.
     */
    static byte[] certificate(SigningKey key, Instant now) {
        byte[] alg = Der.seq(Der.oid(signatureOid(key.algorithm())));
        byte[] name = Der.seq(Der.set(Der.seq(Der.oid("2.5.4.3"), Der.utf8("Bastion audit key " + key.keyId()))));
        Instant from = now.minus(Duration.ofDays(1));
        byte[] tbs = Der.seq(Der.tlv(0xA0, Der.integer(BigInteger.TWO)),
                Der.integer(new BigInteger(1, HexFormat.of().parseHex(key.keyId()))), alg, name,
                Der.seq(Der.utcTime(from), Der.utcTime(from.plus(Duration.ofDays(3653)))), name, key.publicKeyX509());
        return Der.seq(tbs, alg, Der.bits(key.sign(tbs)));
    }

    static byte[] digest(String algorithm, byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm);
            for (byte[] p : parts) {
                md.update(p);
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
