package dev.bastion.privacy.attacks;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The space of secrets a canary was drawn from, read off the canary itself: each digit could have been any digit,
 * each lower-case ASCII letter any lower-case letter, each upper-case letter any upper-case letter; every other
 * character is part of the format and fixed ("4817-2931" is a space of 10^8). Secret Sharer's candidates are the
 * members of this space (Carlini et al. 2019, section 4).
 *
 * <p>This record is immutable and thread-safe.
 *
 * @param alphabets the characters each position may take (one character for a fixed position)
 */
public record SecretFormat(List<String> alphabets) {
    private static final String DIGITS = "0123456789";
    private static final String LOWER = "abcdefghijklmnopqrstuvwxyz";
    private static final String UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    public SecretFormat {
        alphabets = List.copyOf(alphabets);
        for (String a : alphabets) {
            if (a.isEmpty()) {
                throw new IllegalArgumentException("a secret position has an empty alphabet");
            }
        }
    }

    /** The format {@code secret} is an instance of. */
    public static SecretFormat of(String secret) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < secret.length(); i++) {
            char c = secret.charAt(i);
            out.add(c >= '0' && c <= '9' ? DIGITS : c >= 'a' && c <= 'z' ? LOWER : c >= 'A' && c <= 'Z' ? UPPER
                    : String.valueOf(c));
        }
        return new SecretFormat(out);
    }

    /** log2 of the number of secrets of this format. */
    public double log2Size() {
        double s = 0;
        for (String a : alphabets) {
            s += Math.log(a.length()) / Math.log(2);
        }
        return s;
    }

    /** The number of secrets, or {@link Long#MAX_VALUE} when it exceeds a long. */
    public long size() {
        long n = 1;
        for (String a : alphabets) {
            if (n > Long.MAX_VALUE / a.length()) {
                return Long.MAX_VALUE;
            }
            n *= a.length();
        }
        return n;
    }

    /** The secret of rank {@code index} in mixed-radix order, for {@code 0 <= index < size()}. */
    public String secret(long index) {
        if (index < 0 || index >= size()) {
            throw new IllegalArgumentException("index " + index + " is outside a space of " + size());
        }
        char[] out = new char[alphabets.size()];
        for (int i = alphabets.size() - 1; i >= 0; i--) {
            String a = alphabets.get(i);
            out[i] = a.charAt((int) (index % a.length()));
            index /= a.length();
        }
        return new String(out);
    }

    /** A secret drawn uniformly from the space. */
    public String sample(RandomGenerator random) {
        char[] out = new char[alphabets.size()];
        for (int i = 0; i < out.length; i++) {
            String a = alphabets.get(i);
            out[i] = a.charAt(random.nextInt(a.length()));
        }
        return new String(out);
    }
}
