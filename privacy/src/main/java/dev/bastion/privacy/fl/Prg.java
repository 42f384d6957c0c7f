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
 * the mask's purpose), the last 4 bytes count blocks from 0. A mask of m coordinates of b bits reads m
 * little-endian words of key stream, 4 bytes each when b is at most 32 and 8 bytes otherwise ({@link #wordBytes}),
 * and keeps the low b bits of each: the low b bits of a uniform word are uniform, so every coordinate is uniform
 * in Z_2^b.
 *
 * <p>No seed is folded or truncated: the AES key is the seed. 2^32 blocks per domain (2^31 coordinates) is the
 * ceiling, far beyond any model here. Stateless and thread-safe.
 *
 * <p>{@link #maskInto} adds or subtracts a mask without materialising it: the key stream is made {@value #CHUNK_BYTES}
 * bytes per AES call into one reusable buffer and folded straight into the vector. It gives exactly the values
 * {@link #mask} gives.
 */
public final class Prg {
    /*
     * Why 4-byte words for b <= 32, little-endian (2026-12-06, round seven; bench/fl/prg.sh): the JDK's AES-CTR on
     * this CPU (AES-NI/VAES intrinsics) made 8.7 GB/s of key stream from 64 KB updates (wall, loaded machine), under
     * 1 ns per coordinate at 8 bytes a word, while the old fold of big-endian 8-byte words through a VarHandle cost
     * 2 to 3 ns per coordinate in a scratch loop. Native-order 4-byte words halve the key stream and the fold
     * vectorises: maskInto went from 1.04 to 0.62 ns of CPU per coordinate (4.67 to 1.38 ns wall in an earlier
     * pass). Earlier rounds' masks (8-byte big-endian words) are not reproduced: nothing stores a mask across
     * versions, both ends of a round run the same code, and the known-answer tests were changed on purpose.
     */
    /** Bytes of key stream made per AES call in {@link #maskInto}: 64 KB runs at the cipher's full speed here. */
    static final int CHUNK_BYTES = 1 << 16;
    private static final VarHandle LITTLE_ENDIAN_INT =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LITTLE_ENDIAN_LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /* One AES-CTR object per thread, initialised afresh (key and counter) for every mask: for the short vectors of
     * a small model (219 coordinates in the Adult runs), looking the cipher up was a visible part of each mask. */
    private static final ThreadLocal<Cipher> CTR = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/CTR/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-CTR is unavailable", e);
        }
    });

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
        int width = wordBytes(bits);
        try {
            Cipher aes = CTR.get();
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(seed, "AES"), new IvParameterSpec(initialCounter(domain)));
            int chunk = Math.min(CHUNK_BYTES / width, vector.length);
            byte[] zeros = new byte[chunk * width];
            byte[] stream = new byte[chunk * width];
            for (int from = 0; from < vector.length; from += chunk) {
                int count = Math.min(chunk, vector.length - from);
                int made = aes.update(zeros, 0, count * width, stream, 0);
                if (made != count * width) {
                    throw new IllegalStateException("AES-CTR returned a short block");
                }
                if (width == 4) {
                    foldInts(vector, from, stream, count, sign, keep);
                } else {
                    foldLongs(vector, from, stream, count, sign, keep);
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-CTR is unavailable", e);
        }
    }

    /**
     * Adds ({@code sign} 1) or subtracts ({@code sign} -1) into {@code words}, modulo 2^32, the whole 32-bit key-stream
     * words of the mask of {@code words.length} coordinates at any b up to 32 ({@link #wordBytes} 4): for such b,
     * the low b bits of the accumulated words are the sum of the masks in Z_2^b, since 2^b divides 2^32. A server
     * removing thousands of masks from one vector folds them here, into 4 bytes a coordinate and with no reduction
     * per mask, and reduces once at the end.
     */
    static void accumulateWords(int[] words, byte[] seed, String domain, int sign) {
        if (sign != 1 && sign != -1) {
            throw new IllegalArgumentException("sign must be +1 or -1");
        }
        if (seed.length != 32) {
            throw new IllegalArgumentException("the seed is 32 bytes");
        }
        if (words.length > (1 << 30)) {
            throw new IllegalArgumentException("mask length out of range");
        }
        try {
            Cipher aes = CTR.get();
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(seed, "AES"), new IvParameterSpec(initialCounter(domain)));
            Scratch scratch = SCRATCH.get();
            int chunk = CHUNK_BYTES / 4;
            for (int from = 0; from < words.length; from += chunk) {
                int count = Math.min(chunk, words.length - from);
                if (aes.update(scratch.zeros, 0, count * 4, scratch.stream, 0) != count * 4) {
                    throw new IllegalStateException("AES-CTR returned a short block");
                }
                // read straight from the key stream: 34 against 66 us a mask of 10^5 words for a bulk copy to an
                // int[] first, and 26 us for the AES alone (one thread's CPU, round ten, load 27)
                byte[] stream = scratch.stream;
                if (sign > 0) {
                    for (int i = 0; i < count; i++) {
                        words[from + i] += (int) LITTLE_ENDIAN_INT.get(stream, i * 4);
                    }
                } else {
                    for (int i = 0; i < count; i++) {
                        words[from + i] -= (int) LITTLE_ENDIAN_INT.get(stream, i * 4);
                    }
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-CTR is unavailable", e);
        }
    }

    /** One thread's buffers for {@link #accumulateWords}: zeros in, key stream out. */
    private static final class Scratch {
        final byte[] zeros = new byte[CHUNK_BYTES];
        final byte[] stream = new byte[CHUNK_BYTES];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** Key-stream bytes per coordinate: 4 for b up to 32, else 8. */
    static int wordBytes(int bits) {
        return bits <= 32 ? 4 : 8;
    }

    // The two folds are kept as separate simple loops, one per sign, so that C2 vectorises each.
    private static void foldInts(long[] vector, int from, byte[] stream, int count, int sign, long keep) {
        if (sign > 0) {
            for (int i = 0; i < count; i++) {
                vector[from + i] = (vector[from + i] + ((int) LITTLE_ENDIAN_INT.get(stream, i * 4) & keep)) & keep;
            }
        } else {
            for (int i = 0; i < count; i++) {
                vector[from + i] = (vector[from + i] - ((int) LITTLE_ENDIAN_INT.get(stream, i * 4) & keep)) & keep;
            }
        }
    }

    private static void foldLongs(long[] vector, int from, byte[] stream, int count, int sign, long keep) {
        if (sign > 0) {
            for (int i = 0; i < count; i++) {
                vector[from + i] = (vector[from + i] + ((long) LITTLE_ENDIAN_LONG.get(stream, i * 8) & keep)) & keep;
            }
        } else {
            for (int i = 0; i < count; i++) {
                vector[from + i] = (vector[from + i] - ((long) LITTLE_ENDIAN_LONG.get(stream, i * 8) & keep)) & keep;
            }
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
