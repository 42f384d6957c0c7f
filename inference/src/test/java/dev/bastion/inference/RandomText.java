package dev.bastion.inference;

import java.util.SplittableRandom;

/** Seeded random strings for property tests: code points drawn from ranges that stress tokenizers. */
final class RandomText {

    /* Ranges: ASCII (twice the weight), Latin-1 and Latin Extended, Greek and Cyrillic, Arabic, Devanagari, CJK,
     * Hiragana/Katakana, Hangul, general punctuation and spaces, emoji, math alphanumerics, and white space. */
    private static final int[][] RANGES = {
            {0x20, 0x7E}, {0x20, 0x7E}, {0xA0, 0x24F}, {0x370, 0x45F}, {0x600, 0x6FF}, {0x900, 0x97F},
            {0x4E00, 0x9FFF}, {0x3040, 0x30FF}, {0xAC00, 0xD7A3}, {0x2000, 0x206F}, {0x1F300, 0x1F64F},
            {0x1D400, 0x1D4FF}, {0x09, 0x0D}};

    private RandomText() {
    }

    /** A string of up to {@code maxCodePoints} code points; {@code anyCodePoint} also draws from all of Unicode. */
    static String next(SplittableRandom random, int maxCodePoints, boolean anyCodePoint) {
        int n = random.nextInt(maxCodePoints + 1);
        var sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int cp;
            if (anyCodePoint && random.nextInt(4) == 0) {
                do {
                    cp = random.nextInt(0x110000);
                } while (cp >= 0xD800 && cp <= 0xDFFF);
            } else {
                int[] range = RANGES[random.nextInt(RANGES.length)];
                cp = range[0] + random.nextInt(range[1] - range[0] + 1);
            }
            sb.appendCodePoint(cp);
            if (random.nextInt(6) == 0) {
                sb.append(random.nextBoolean() ? " " : "'s ");
            }
        }
        return sb.toString();
    }
}
