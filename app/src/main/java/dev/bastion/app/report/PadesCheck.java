package dev.bastion.app.report;

import dev.bastion.crypto.SigningKey;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature;

/**
 * Checks a PDF signed by {@link PadesSigner}: its last signature's byte range covers the whole file except the
 * signature's own {@code /Contents} (nothing was appended after signing, nothing left out before), the CMS message
 * digest is the digest of those bytes, the CMS signature over its signed attributes verifies under the trusted audit
 * key, and the certificate in it carries that key. Also reads the audit checkpoint the PDF states in its document
 * information ({@code BastionAuditCheckpoint}), which the signature covers. Stateless.
 */
final class PadesCheck {
    private PadesCheck() {
    }

    /** The outcome: problems (empty when the signature holds), what held, and the checkpoint text the PDF states. */
    record Result(List<String> passed, List<String> problems, Optional<String> checkpoint) {
        Result {
            passed = List.copyOf(passed);
            problems = List.copyOf(problems);
        }
    }

    /** @throws ReportVerifier.NotAReport when the file is not a PDF or carries no signature */
    static Result check(byte[] pdf, byte[] trustedX509) {
        PDSignature sig;
        Optional<String> checkpoint;
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            List<PDSignature> all = doc.getSignatureDictionaries();
            if (all.isEmpty()) {
                throw new ReportVerifier.NotAReport("the PDF carries no signature (made before PAdES signing, or not by "
                        + "bastion report): verify the .md or .json written beside it");
            }
            sig = all.getLast();
            checkpoint = Optional.ofNullable(doc.getDocumentInformation().getCustomMetadataValue("BastionAuditCheckpoint"));
        } catch (IOException e) {
            throw new ReportVerifier.NotAReport("the file is not a PDF that can be read: " + e.getMessage());
        }
        List<String> passed = new java.util.ArrayList<>();
        List<String> problems = new java.util.ArrayList<>();
        int[] range = sig.getByteRange();
        if (range == null || range.length != 4 || range[0] != 0 || range[1] < 0 || range[2] < range[1]
                || range[3] < 0 || (long) range[2] + range[3] != pdf.length || !isHexGap(pdf, range[1], range[2])) {
            problems.add("the PDF's signature does not cover the whole file except its own contents: bytes were added, "
                    + "removed or left unsigned after signing");
            return new Result(passed, problems, checkpoint);
        }
        byte[] signedBytes = new byte[range[1] + range[3]];
        System.arraycopy(pdf, 0, signedBytes, 0, range[1]);
        System.arraycopy(pdf, range[2], signedBytes, range[1], range[3]);
        try {
            byte[] cms = sig.getContents(pdf);
            Der.Item signedData = Der.read(cms).child(1).child(0);
            List<Der.Item> parts = signedData.children();
            Der.Item certs = parts.stream().filter(i -> i.tag() == 0xA0).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no certificate in the CMS"));
            Der.Item signerInfo = parts.getLast().child(0);
            String digestOid = Der.oidText(signerInfo.child(2).child(0));
            Der.Item attrs = signerInfo.child(3);
            String sigOid = Der.oidText(signerInfo.child(4).child(0));
            byte[] signature = signerInfo.child(5).content();
            Optional<byte[]> stated = Optional.empty();
            for (Der.Item a : attrs.children()) {
                if (Der.oidText(a.child(0)).equals(PadesSigner.MESSAGE_DIGEST)) {
                    stated = Optional.of(a.child(1).child(0).content());
                }
            }
            String jdkDigest = switch (digestOid) {
                case PadesSigner.SHA512 -> "SHA-512";
                case "2.16.840.1.101.3.4.2.1" -> "SHA-256";
                default -> throw new IllegalArgumentException("digest algorithm " + digestOid + " is not accepted");
            };
            SigningKey.Algorithm algorithm = switch (sigOid) {
                case PadesSigner.ED25519 -> SigningKey.Algorithm.ED25519;
                case PadesSigner.ML_DSA_65 -> SigningKey.Algorithm.ML_DSA_65;
                default -> throw new IllegalArgumentException("signature algorithm " + sigOid + " is not accepted");
            };
            byte[] toVerify = attrs.encoded();
            toVerify[0] = Der.SET;
            Der.Item tbs = certs.child(0).child(0);
            byte[] certKey = tbs.child(6).encoded();
            String trusted = SigningKey.keyIdOf(trustedX509);
            if (stated.isEmpty() || !MessageDigest.isEqual(stated.get(), PadesSigner.digest(jdkDigest, signedBytes))) {
                problems.add("the PDF's signature does not verify: the file was changed after it was signed");
            } else if (!Arrays.equals(certKey, trustedX509)) {
                problems.add("the PDF is signed by key " + SigningKey.keyIdOf(certKey) + ", not the trusted audit key "
                        + trusted);
            } else if (!SigningKey.verify(algorithm, trustedX509, toVerify, signature)) {
                problems.add("the PDF's signature does not verify under the trusted audit key " + trusted);
            } else {
                passed.add("signature: valid PAdES (" + sig.getSubFilter() + "), audit key " + trusted + " ("
                        + algorithm.configName() + "), covering all " + pdf.length + " bytes but its "
                        + (range[2] - range[1]) + "-byte contents");
            }
        } catch (IOException | RuntimeException e) {
            problems.add("the PDF's signature cannot be read: " + e.getMessage());
        }
        return new Result(passed, problems, checkpoint);
    }

    /** Whether {@code pdf[from, to)} is {@code <hex digits>}: the signature's contents and nothing else. */
    private static boolean isHexGap(byte[] pdf, int from, int to) {
        if (to > pdf.length || to - from < 2 || pdf[from] != '<' || pdf[to - 1] != '>') {
            return false;
        }
        for (int i = from + 1; i < to - 1; i++) {
            byte b = pdf[i];
            if (!((b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F'))) {
                return false;
            }
        }
        return true;
    }
}
