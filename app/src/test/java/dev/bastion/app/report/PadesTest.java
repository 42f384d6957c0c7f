package dev.bastion.app.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.crypto.SigningKey;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A PDF signed in itself with the audit key (PAdES), checked, and broken in the ways a verifier must notice. */
public class PadesTest {
    private static final Instant NOW = Instant.parse("2026-12-06T05:00:00Z");
    private static final String BODY = "# Test report\n\nRequests: 12.\n\n```bastion-audit-checkpoint\nnot a real one\n```\n";

    private static byte[] signed(SigningKey key) {
        return PadesSigner.sign(PdfReport.render(BODY, "Test report"), key, NOW);
    }

    @Test
    void aSignedPdfVerifiesUnderItsKeyForBothAuditAlgorithms() throws Exception {
        for (SigningKey.Algorithm a : SigningKey.Algorithm.values()) {
            SigningKey key = SigningKey.generate(a);
            byte[] pdf = signed(key);
            PadesCheck.Result r = PadesCheck.check(pdf, key.publicKeyX509());
            assertThat(r.problems()).as(a.name()).isEmpty();
            assertThat(r.passed()).singleElement().asString().contains("valid PAdES").contains(key.keyId());
            assertThat(r.checkpoint()).contains("not a real one\n");
        }
    }

    @Test
    void theCertificateIsAValidSelfSignedX509ForTheAuditKey() throws Exception {
        SigningKey key = SigningKey.generate(SigningKey.Algorithm.ED25519);
        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(PadesSigner.certificate(key, NOW)));
        cert.verify(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(key.publicKeyX509())));
        assertThat(cert.getPublicKey().getEncoded()).isEqualTo(key.publicKeyX509());
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=Bastion audit key " + key.keyId());
        cert.checkValidity(java.util.Date.from(NOW));
    }

    @Test
    void oneChangedByteAnAppendedUpdateOrAnotherKeyBreaksIt() {
        SigningKey key = SigningKey.generate(SigningKey.Algorithm.ED25519);
        byte[] pdf = signed(key);
        byte[] changed = oneByteChanged(pdf);
        assertThat(PadesCheck.check(changed, key.publicKeyX509()).problems()).singleElement().asString()
                .contains("changed after it was signed");

        byte[] appended = Arrays.copyOf(pdf, pdf.length + 30);
        System.arraycopy("\n% appended after signing\n".getBytes(StandardCharsets.US_ASCII), 0, appended, pdf.length, 26);
        assertThat(PadesCheck.check(appended, key.publicKeyX509()).problems()).singleElement().asString()
                .contains("does not cover the whole file");

        SigningKey other = SigningKey.generate(SigningKey.Algorithm.ED25519);
        assertThat(PadesCheck.check(pdf, other.publicKeyX509()).problems()).singleElement().asString()
                .contains("not the trusted audit key " + other.keyId());
    }

    /**
     * {@code pdf} with one byte changed inside the signed bytes: a hex digit of the key id in the signature
     * dictionary's {@code /Name} (the page content and document information are in compressed streams), so the file
     * still parses.
     */
    public static byte[] oneByteChanged(byte[] pdf) {
        String latin = new String(pdf, StandardCharsets.ISO_8859_1);
        int at = latin.indexOf("Bastion audit key ");
        assertThat(at).isPositive();
        int digit = at + "Bastion audit key ".length();
        byte[] changed = pdf.clone();
        changed[digit] = (byte) (pdf[digit] == '3' ? '4' : '3');
        return changed;
    }

    @Test
    void anUnsignedPdfIsNotAReport() {
        byte[] plain = PdfReport.render(BODY, "Test report");
        assertThatThrownBy(() -> PadesCheck.check(plain, SigningKey.generate(SigningKey.Algorithm.ED25519)
                .publicKeyX509())).isInstanceOf(ReportVerifier.NotAReport.class).hasMessageContaining("no signature");
    }
}
