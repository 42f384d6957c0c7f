package dev.bastion.gateway.pipeline;

import java.time.Instant;

/**
 * An instant as {@link Instant#toString()} writes it ({@code DateTimeFormatter.ISO_INSTANT}: UTC, seconds always,
 * the fraction in groups of three digits only as long as needed), computed directly for the years 0 to 9999. Every
 * audit record carries one; {@code Instant.toString} goes through the formatter's printer chain, a
 * {@code LocalDateTime} and a {@code StringBuilder}, about a sixth of a record's CPU (docs/benchmarks.md, gateway
 * overhead, round seventeen). Other years (a sign, more digits) go to {@code Instant.toString} itself.
 * Stateless and thread-safe.
 */
final class IsoInstant {
    private static final long SECONDS_PER_DAY = 86_400;
    /** Seconds from the epoch to 0000-01-01T00:00:00Z and to 10000-01-01T00:00:00Z. */
    private static final long FIRST = -62_167_219_200L;
    private static final long END = 253_402_300_800L;

    private IsoInstant() {
    }

    static String format(Instant instant) {
        long seconds = instant.getEpochSecond();
        if (seconds < FIRST || seconds >= END) {
            return instant.toString();
        }
        long days = Math.floorDiv(seconds, SECONDS_PER_DAY);
        int secondOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
        /*
         * Civil date from days since 1970-01-01 (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms",
         * days_from_civil's inverse): eras of 400 years (146,097 days) starting on 0000-03-01, so that the leap day
         * is the last day of a year that begins in March.
         */
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        int dayOfEra = (int) (z - era * 146_097);
        int yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        int dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        int mp = (5 * dayOfYear + 2) / 153;
        int day = dayOfYear - (153 * mp + 2) / 5 + 1;
        int month = mp < 10 ? mp + 3 : mp - 9;
        int year = (int) (yearOfEra + era * 400) + (month <= 2 ? 1 : 0);
        int nano = instant.getNano();
        int fraction = nano == 0 ? 0 : nano % 1_000_000 == 0 ? 3 : nano % 1000 == 0 ? 6 : 9;
        byte[] out = new byte[20 + (fraction == 0 ? 0 : 1 + fraction)];
        digits(out, 0, year, 4);
        out[4] = '-';
        digits(out, 5, month, 2);
        out[7] = '-';
        digits(out, 8, day, 2);
        out[10] = 'T';
        digits(out, 11, secondOfDay / 3600, 2);
        out[13] = ':';
        digits(out, 14, secondOfDay / 60 % 60, 2);
        out[16] = ':';
        digits(out, 17, secondOfDay % 60, 2);
        int at = 19;
        if (fraction > 0) {
            out[at++] = '.';
            int scaled = fraction == 3 ? nano / 1_000_000 : fraction == 6 ? nano / 1000 : nano;
            digits(out, at, scaled, fraction);
            at += fraction;
        }
        out[at] = 'Z';
        return new String(out, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** {@code value} as {@code width} decimal digits, zero-padded, at {@code at}. */
    private static void digits(byte[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }
}
