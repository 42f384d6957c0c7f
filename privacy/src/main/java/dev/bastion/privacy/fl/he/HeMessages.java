package dev.bastion.privacy.fl.he;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The messages of a homomorphic aggregation round and their canonical encodings (what signatures and proofs
 * cover). Every message names its federation and round, so none can be replayed into another.
 */
public final class HeMessages {
    private HeMessages() {
    }

    /** Stage 1, site to coordinator: the site's packed, encrypted update, signed with its roster key. */
    public record Upload(String federation, long round, int site, List<Ciphertext> ciphertexts, byte[] signature) {
        public Upload {
            ciphertexts = List.copyOf(ciphertexts);
            signature = signature.clone();
            if (federation.isBlank() || site < 1 || ciphertexts.isEmpty()) {
                throw new IllegalArgumentException("an upload needs a federation, a site id >= 1 and ciphertexts");
            }
        }

        @Override
        public byte[] signature() {
            return signature.clone();
        }

        /** What the site signs: federation, round, site id and every ciphertext. */
        public byte[] signedBytes() {
            return signedBytes(federation, round, site, ciphertexts);
        }

        static byte[] signedBytes(String federation, long round, int site, List<Ciphertext> ciphertexts) {
            Encoder e = new Encoder("bastion-fl/he/upload/v1").text(federation).number(round).number(site)
                    .number(ciphertexts.size());
            for (Ciphertext c : ciphertexts) {
                e.text(c.keyId()).big(c.value());
            }
            return e.bytes();
        }

        public long wireBytes(PublicKey key) {
            return federation.length() + 2 + 8 + 4 + 4 + (long) ciphertexts.size() * key.ciphertextBytes()
                    + 4 + signature.length;
        }
    }

    /** Stage 2, coordinator to a site: the signed uploads it summed; the site recomputes the sum and decrypts it. */
    public record DecryptRequest(String federation, long round, List<Upload> uploads) {
        public DecryptRequest {
            uploads = List.copyOf(uploads);
        }

        public long wireBytes(PublicKey key) {
            return federation.length() + 2 + 8 + 4 + uploads.stream().mapToLong(u -> u.wireBytes(key)).sum();
        }
    }

    /** Stage 2, a site's answer. */
    public sealed interface DecryptReply {
        int site();

        /** One partial decryption per ciphertext of the sum, in order. */
        record Partials(int site, List<PartialDecryption> partials) implements DecryptReply {
            public Partials {
                partials = List.copyOf(partials);
            }

            public long wireBytes(PublicKey key) {
                return 4 + partials.stream().mapToLong(p -> p.wireBytes(key)).sum();
            }
        }

        /** The site will not decrypt this request; the reason names the check that failed, never a value. */
        record Refused(int site, String reason) implements DecryptReply {
        }
    }

    /** What a partial decryption's proof is bound to: federation, round, the digest of the summed uploads, index. */
    static byte[] decryptionContext(String federation, long round, byte[] sumDigest, int ciphertext) {
        return new Encoder("bastion-fl/he/decrypt/v1").text(federation).number(round).blob(sumDigest)
                .number(ciphertext).bytes();
    }

    /** SHA-256 over the sorted site ids and the ciphertexts of the sum. */
    static byte[] sumDigest(List<Integer> sites, List<Ciphertext> sum) {
        Encoder e = new Encoder("bastion-fl/he/sum/v1").number(sites.size());
        sites.stream().sorted().forEach(e::number);
        for (Ciphertext c : sum) {
            e.text(c.keyId()).big(c.value());
        }
        try {
            return MessageDigest.getInstance("SHA-256").digest(e.bytes());
        } catch (NoSuchAlgorithmException x) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", x);
        }
    }

    /** Big-endian, every variable-length field length-prefixed, so two different values never encode alike. */
    private static final class Encoder {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final DataOutputStream out = new DataOutputStream(bytes);

        Encoder(String label) {
            text(label);
        }

        Encoder text(String s) {
            return blob(s.getBytes(StandardCharsets.UTF_8));
        }

        Encoder number(long v) {
            try {
                out.writeLong(v);
            } catch (IOException x) {
                throw new UncheckedIOException(x);
            }
            return this;
        }

        Encoder big(BigInteger v) {
            return blob(v.toByteArray());
        }

        Encoder blob(byte[] b) {
            try {
                out.writeInt(b.length);
                out.write(b);
            } catch (IOException x) {
                throw new UncheckedIOException(x);
            }
            return this;
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }
    }
}
