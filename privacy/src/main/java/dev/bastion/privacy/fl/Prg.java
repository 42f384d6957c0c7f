package dev.bastion.privacy.fl;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The mask generator: AES-256 in counter mode keyed by the whole 32-byte seed. Domain separation is in the initial
 * counter block: its first 12 bytes are the first 12 bytes of SHA-256 over the domain label (federation, round and
 * the mask's purpose), the last 4 bytes count blocks from 0. A mask of m coordinates of b bits reads m big-endian
 * 8-byte words of key stream and keeps the low b bits of each, so every coordinate is uniform in Z_2^b.
 *
 * <p>No seed is folded or truncated: the AES key is the seed. 2^32 blocks per domain (2^31 coordinates) is the
 * ceiling, far beyond any model here. Stateless and thread-safe.
 *
 * <p>{@link #maskInto} adds or subtracts a mask without materialising it: the key stream is made in blocks of
 * {@value #CHUNK} coordinates into one reusable buffer and folded straight into the vector, so masking a 10^5-vector
 * allocates 64 KB instead of 2.4 MB. It gives exactly the values {@link #mask} gives.
 */
public final class Prg {
    /** Coordinates of key stream made per AES call in {@link #maskInto}. */
    static final int CHUNK = 8192;
    private static final VarHandle BIG_ENDIAN_LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Prg() {
    }

    /**
     * Adds ({@code sign} 1) or subtracts ({@code sign} -1) into {@code vector}, in Z_2^bits, the mask that
     * {@link #mask}{@code (seed, domain, vector.length, bits)} returns.
     */
    public static void maskInto(long[] vector, byte[] seed, String domain, int sign, int bits) {
        if (bits < 1 || bits > 63 || (sign != 1 && sign != -1)) {
            throw new IllegalArgumentException("bits must be in 1..63 and sign +1 or -1");
        }
        if (vector.length > (1 << 30)) {
            throw new IllegalArgumentException("mask length out of range");
        }
        if (seed.length != 32) {
            throw new IllegalArgumentException("the seed is 32 bytes");
        }
        long keep = (1L << bits) - 1;
        try {
            Cipher aes = Cipher.getInstance("AES/CTR/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(seed, "AES"), new IvParameterSpec(initialCounter(domain)));
            int chunk = Math.min(CHUNK, vector.length);
            byte[] zeros = new byte[chunk * 8];
            byte[] stream = new byte[chunk * 8];
            for (int from = 0; from < vector.length; from += chunk) {
                int count = Math.min(chunk, vector.length - from);
                int made = aes.update(zeros, 0, count * 8, stream, 0);
                if (made != count * 8) {
                    throw new IllegalStateException("AES-CTR returned a short block");
                }
                if (sign > 0) {
                    for (int i = 0; i < count; i++) {
                        vector[from + i] = (vector[from + i] + ((long) BIG_ENDIAN_LONG.get(stream, i * 8) & keep)) & keep;
                    }
                } else {
                    for (int i = 0; i < count; i++) {
                        vector[from + i] = (vector[from + i] - ((long) BIG_ENDIAN_LONG.get(stream, i * 8) & keep)) & keep;
                    }
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-CTR is unavailable", e);
        }
    }

    /** {@code length} pseudorandom values in [0, 2^bits) from {@code seed} (32 bytes) under {@code domain}. */
    public static long[] mask(byte[] seed, String domain, int length, int bits) {
        if (bits < 1 || bits > 63) {
            throw new IllegalArgumentException("bits must be in 1..63");
        }
        if (length < 0 || length > (1 << 30)) {
            throw new IllegalArgumentException("mask length out of range");
        }
        long[] out = new long[length];
        maskInto(out, seed, domain, 1, bits);
        return out;
    }

    /** The first counter block for {@code domain}: 12 bytes of SHA-256(domain), then a 4-byte block counter at 0. */
    static byte[] initialCounter(String domain) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(domain.getBytes(StandardCharsets.UTF_8));
            byte[] iv = new byte[16];
            System.arraycopy(digest, 0, iv, 0, 12);
            return iv;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }

    /** AES-256-CTR key stream: the encryption of {@code bytes} zero bytes (what the known-answer tests check). */
    static byte[] keystream(byte[] key, byte[] initialCounter, int bytes) {
        if (key.length != 32) {
            throw new IllegalArgumentException("the seed is 32 bytes");
        }
        try {
            Cipher aes = Cipher.getInstance("AES/CTR/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(initialCounter));
            return aes.doFinal(new byte[bytes]);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-CTR is unavailable", e);
        }
    }
}
