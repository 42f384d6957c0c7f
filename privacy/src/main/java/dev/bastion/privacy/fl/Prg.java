package dev.bastion.privacy.fl;

import java.nio.ByteBuffer;
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
 */
public final class Prg {
    private Prg() {
    }

    /** {@code length} pseudorandom values in [0, 2^bits) from {@code seed} (32 bytes) under {@code domain}. */
    public static long[] mask(byte[] seed, String domain, int length, int bits) {
        if (bits < 1 || bits > 63) {
            throw new IllegalArgumentException("bits must be in 1..63");
        }
        if (length < 0 || length > (1 << 30)) {
            throw new IllegalArgumentException("mask length out of range");
        }
        byte[] stream = keystream(seed, initialCounter(domain), length * 8);
        ByteBuffer words = ByteBuffer.wrap(stream);
        long keep = (1L << bits) - 1;
        long[] out = new long[length];
        for (int i = 0; i < length; i++) {
            out[i] = words.getLong() & keep;
        }
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
