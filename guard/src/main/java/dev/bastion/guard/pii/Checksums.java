package dev.bastion.guard.pii;

import java.math.BigInteger;
import java.util.Map;

/**
 * The check-digit algorithms of the identifiers Bastion recognises. Inputs are the identifier with separators
 * already removed; every method returns false for anything malformed rather than throwing. Stateless.
 */
public final class Checksums {
    private Checksums() {
    }

    /** Luhn mod 10 (payment cards, Canadian SIN). */
    public static boolean luhn(String digits) {
        if (digits.isEmpty() || !allDigits(digits)) {
            return false;
        }
        int sum = 0;
        boolean twice = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (twice) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            twice = !twice;
        }
        return sum % 10 == 0;
    }

    /** A payment card written after a card cue: 13 to 19 digits and Luhn, whatever the issuer prefix. */
    public static boolean cuedCard(String digits) {
        return digits.length() >= 13 && digits.length() <= 19 && digits.chars().allMatch(Character::isDigit)
                && luhn(digits);
    }

    /** A payment card: 12 to 19 digits, Luhn, and an issuer prefix (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay, Maestro). */
    public static boolean creditCard(String digits) {
        if (digits.length() < 12 || digits.length() > 19 || !luhn(digits)) {
            return false;
        }
        int p2 = Integer.parseInt(digits.substring(0, 2));
        int p4 = Integer.parseInt(digits.substring(0, 4));
        int p6 = Integer.parseInt(digits.substring(0, 6));
        return digits.charAt(0) == '4' // Visa
                || (p2 >= 51 && p2 <= 55) || (p6 >= 222100 && p6 <= 272099) // Mastercard
                || p2 == 34 || p2 == 37 // Amex
                || p4 == 6011 || p2 == 65 || (p6 >= 644000 && p6 <= 649999) // Discover
                || (p4 >= 3528 && p4 <= 3589) || p4 == 1800 || p4 == 2131 // JCB
                || p2 == 36 || p2 == 38 || (p4 >= 3000 && p4 <= 3059) // Diners
                || p2 == 62 // UnionPay
                || p2 == 50 || (p2 >= 56 && p2 <= 69); // Maestro and others
    }

    /** IBAN lengths by country (ISO 13616 registry). */
    private static final Map<String, Integer> IBAN_LENGTHS = Map.ofEntries(
            Map.entry("AD", 24), Map.entry("AE", 23), Map.entry("AL", 28), Map.entry("AT", 20), Map.entry("AZ", 28),
            Map.entry("BA", 20), Map.entry("BE", 16), Map.entry("BG", 22), Map.entry("BH", 22), Map.entry("BR", 29),
            Map.entry("BY", 28), Map.entry("CH", 21), Map.entry("CR", 22), Map.entry("CY", 28), Map.entry("CZ", 24),
            Map.entry("DE", 22), Map.entry("DK", 18), Map.entry("DO", 28), Map.entry("EE", 20), Map.entry("EG", 29),
            Map.entry("ES", 24), Map.entry("FI", 18), Map.entry("FO", 18), Map.entry("FR", 27), Map.entry("GB", 22),
            Map.entry("GE", 22), Map.entry("GI", 23), Map.entry("GL", 18), Map.entry("GR", 27), Map.entry("GT", 28),
            Map.entry("HR", 21), Map.entry("HU", 28), Map.entry("IE", 22), Map.entry("IL", 23), Map.entry("IQ", 23),
            Map.entry("IS", 26), Map.entry("IT", 27), Map.entry("JO", 30), Map.entry("KW", 30), Map.entry("KZ", 20),
            Map.entry("LB", 28), Map.entry("LC", 32), Map.entry("LI", 21), Map.entry("LT", 20), Map.entry("LU", 20),
            Map.entry("LV", 21), Map.entry("MC", 27), Map.entry("MD", 24), Map.entry("ME", 22), Map.entry("MK", 19),
            Map.entry("MR", 27), Map.entry("MT", 31), Map.entry("MU", 30), Map.entry("NL", 18), Map.entry("NO", 15),
            Map.entry("PK", 24), Map.entry("PL", 28), Map.entry("PS", 29), Map.entry("PT", 25), Map.entry("QA", 29),
            Map.entry("RO", 24), Map.entry("RS", 22), Map.entry("SA", 24), Map.entry("SC", 31), Map.entry("SE", 24),
            Map.entry("SI", 19), Map.entry("SK", 24), Map.entry("SM", 27), Map.entry("ST", 25), Map.entry("SV", 28),
            Map.entry("TL", 23), Map.entry("TN", 24), Map.entry("TR", 26), Map.entry("UA", 29), Map.entry("VA", 22),
            Map.entry("VG", 24), Map.entry("XK", 20), Map.entry("LY", 25), Map.entry("SD", 18), Map.entry("BI", 27),
            Map.entry("DJ", 27), Map.entry("RU", 33), Map.entry("SO", 23), Map.entry("NI", 28), Map.entry("MN", 20),
            Map.entry("FK", 18), Map.entry("OM", 23), Map.entry("YE", 30), Map.entry("HN", 28));

    /**
     * BBAN structure by country (ISO 13616 registry, written as runs: digit count then n = digits, a = upper-case
     * letters, c = letters or digits). Countries not listed are checked for length and mod 97 only.
     */
    private static final Map<String, String> BBAN = Map.ofEntries(
            Map.entry("AT", "16n"), Map.entry("BE", "12n"), Map.entry("BG", "4a6n8c"), Map.entry("CH", "5n12c"),
            Map.entry("CY", "8n16c"), Map.entry("CZ", "20n"), Map.entry("DE", "18n"), Map.entry("DK", "14n"),
            Map.entry("EE", "16n"), Map.entry("ES", "20n"), Map.entry("FI", "14n"), Map.entry("FR", "10n11c2n"),
            Map.entry("GB", "4a14n"), Map.entry("GI", "4a15c"), Map.entry("GR", "7n16c"), Map.entry("HR", "17n"),
            Map.entry("HU", "24n"), Map.entry("IE", "4c14n"), Map.entry("IS", "22n"), Map.entry("IT", "1a10n12c"),
            Map.entry("LI", "5n12c"), Map.entry("LT", "16n"), Map.entry("LU", "3n13c"), Map.entry("LV", "4a13c"),
            Map.entry("MT", "4a5n18c"), Map.entry("NL", "4a10n"), Map.entry("NO", "11n"), Map.entry("PL", "24n"),
            Map.entry("PT", "21n"), Map.entry("RO", "4a16c"), Map.entry("SE", "20n"), Map.entry("SI", "15n"),
            Map.entry("SK", "20n"));

    private static boolean bbanShape(String country, String bban) {
        String shape = BBAN.get(country);
        if (shape == null) {
            return true;
        }
        int pos = 0;
        int i = 0;
        while (i < shape.length()) {
            int n = 0;
            while (Character.isDigit(shape.charAt(i))) {
                n = n * 10 + (shape.charAt(i++) - '0');
            }
            char kind = shape.charAt(i++);
            for (int k = 0; k < n; k++, pos++) {
                if (pos >= bban.length()) {
                    return false;
                }
                char c = bban.charAt(pos);
                boolean ok = switch (kind) {
                    case 'n' -> c >= '0' && c <= '9';
                    case 'a' -> c >= 'A' && c <= 'Z';
                    default -> (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
                };
                if (!ok) {
                    return false;
                }
            }
        }
        return pos == bban.length();
    }

    /** IBAN: known country, its length, its BBAN structure, and mod 97 = 1 (ISO 7064) over the rearranged string. */
    public static boolean iban(String raw) {
        String s = raw.toUpperCase(java.util.Locale.ROOT);
        if (s.length() < 15 || s.length() > 34) {
            return false;
        }
        Integer len = IBAN_LENGTHS.get(s.substring(0, 2));
        if (len == null || len != s.length() || !bbanShape(s.substring(0, 2), s.substring(4))) {
            return false;
        }
        String rearranged = s.substring(4) + s.substring(0, 4);
        StringBuilder num = new StringBuilder();
        for (int i = 0; i < rearranged.length(); i++) {
            char c = rearranged.charAt(i);
            if (c >= '0' && c <= '9') {
                num.append(c);
            } else if (c >= 'A' && c <= 'Z') {
                num.append(c - 'A' + 10);
            } else {
                return false;
            }
        }
        return new BigInteger(num.toString()).mod(BigInteger.valueOf(97)).intValue() == 1;
    }

    /** US SSN: AAA-GG-SSSS without area 000, 666 or 900-999, group 00 or serial 0000. */
    public static boolean usSsn(String digits) {
        if (digits.length() != 9 || !allDigits(digits)) {
            return false;
        }
        int area = Integer.parseInt(digits.substring(0, 3));
        int group = Integer.parseInt(digits.substring(3, 5));
        int serial = Integer.parseInt(digits.substring(5));
        return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
                && !digits.equals("123456789") && !digits.chars().allMatch(c -> c == digits.charAt(0));
    }

    /** Spanish DNI (8 digits + letter) and NIE (X/Y/Z + 7 digits + letter): the letter is the number mod 23. */
    public static boolean spanishDni(String raw) {
        String s = raw.toUpperCase(java.util.Locale.ROOT);
        if (s.length() != 9) {
            return false;
        }
        String body = switch (s.charAt(0)) {
            case 'X' -> "0" + s.substring(1, 8);
            case 'Y' -> "1" + s.substring(1, 8);
            case 'Z' -> "2" + s.substring(1, 8);
            default -> s.substring(0, 8);
        };
        if (!allDigits(body)) {
            return false;
        }
        return "TRWAGMYFPDXBNJZSQVHLCKE".charAt(Integer.parseInt(body) % 23) == s.charAt(8);
    }

    /** Italian codice fiscale (16 characters): the last is a check character over the first 15. */
    public static boolean italianFiscalCode(String raw) {
        String s = raw.toUpperCase(java.util.Locale.ROOT);
        if (s.length() != 16) {
            return false;
        }
        int[] odd = {1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23};
        int sum = 0;
        for (int i = 0; i < 15; i++) {
            char c = s.charAt(i);
            int v;
            if (c >= '0' && c <= '9') {
                v = c - '0';
            } else if (c >= 'A' && c <= 'Z') {
                v = c - 'A';
            } else {
                return false;
            }
            sum += (i % 2 == 0) ? odd[v] : v;
        }
        if (s.charAt(15) != (char) ('A' + sum % 26)) {
            return false;
        }
        // birth date: positions 6-7 year, 8 month letter, 9-10 day (women +40); digits may be replaced by letters
        // (omocodia: L M N P Q R S T U V stand for 0-9)
        String month = "ABCDEHLMPRST";
        if (month.indexOf(s.charAt(8)) < 0) {
            return false;
        }
        int d1 = omocode(s.charAt(9));
        int d2 = omocode(s.charAt(10));
        if (d1 < 0 || d2 < 0) {
            return false;
        }
        int day = d1 * 10 + d2;
        return (day >= 1 && day <= 31) || (day >= 41 && day <= 71);
    }

    private static int omocode(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        int i = "LMNPQRSTUV".indexOf(c);
        return i;
    }

    /** French NIR (13 digits + 2-digit key = 97 - number mod 97; Corsica 2A/2B count as 19/18). */
    public static boolean frenchNir(String raw) {
        String s = raw.toUpperCase(java.util.Locale.ROOT);
        if (s.length() != 15) {
            return false;
        }
        String body = s.substring(0, 13).replace("2A", "19").replace("2B", "18");
        String key = s.substring(13);
        if (!allDigits(body) || !allDigits(key) || !(s.charAt(0) == '1' || s.charAt(0) == '2')) {
            return false;
        }
        return 97 - new BigInteger(body).mod(BigInteger.valueOf(97)).intValue() == Integer.parseInt(key);
    }

    /**
     * German tax id (11 digits, first not 0): in the first ten digits exactly one digit occurs two or three times and
     * every other digit at most once; ISO 7064 MOD 11,10 check digit.
     */
    public static boolean germanTaxId(String digits) {
        if (digits.length() != 11 || !allDigits(digits) || digits.charAt(0) == '0') {
            return false;
        }
        int[] counts = new int[10];
        for (int i = 0; i < 10; i++) {
            counts[digits.charAt(i) - '0']++;
        }
        int repeated = 0;
        for (int c : counts) {
            if (c > 3) {
                return false;
            }
            if (c > 1) {
                repeated++;
            }
        }
        if (repeated != 1) {
            return false;
        }
        int product = 10;
        for (int i = 0; i < 10; i++) {
            int sum = (digits.charAt(i) - '0' + product) % 10;
            if (sum == 0) {
                sum = 10;
            }
            product = (sum * 2) % 11;
        }
        int check = 11 - product;
        if (check == 10) {
            check = 0;
        }
        return check == digits.charAt(10) - '0';
    }

    private static final int[][] VERHOEFF_D = {{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5},
        {2, 3, 4, 0, 1, 7, 8, 9, 5, 6}, {3, 4, 0, 1, 2, 8, 9, 5, 6, 7}, {4, 0, 1, 2, 3, 9, 5, 6, 7, 8},
        {5, 9, 8, 7, 6, 0, 4, 3, 2, 1}, {6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3},
        {8, 7, 6, 5, 9, 3, 2, 1, 0, 4}, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}};
    private static final int[][] VERHOEFF_P = {{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 5, 7, 6, 2, 8, 3, 0, 9, 4},
        {5, 8, 0, 3, 7, 9, 6, 1, 4, 2}, {8, 9, 1, 6, 0, 4, 3, 5, 2, 7}, {9, 4, 5, 3, 1, 2, 6, 8, 7, 0},
        {4, 2, 8, 6, 5, 7, 3, 9, 0, 1}, {2, 7, 9, 3, 8, 0, 6, 4, 1, 5}, {7, 0, 4, 6, 9, 1, 3, 2, 5, 8}};

    /** Indian Aadhaar: 12 digits, first not 0 or 1, Verhoeff check digit. */
    public static boolean aadhaar(String digits) {
        if (digits.length() != 12 || !allDigits(digits) || digits.charAt(0) < '2') {
            return false;
        }
        int c = 0;
        for (int i = 0; i < 12; i++) {
            c = VERHOEFF_D[c][VERHOEFF_P[i % 8][digits.charAt(11 - i) - '0']];
        }
        return c == 0;
    }

    /** UK National Insurance number: two letters (not D, F, I, Q, U, V; second not O; no BG, GB, NK, KN, TN, NT, ZZ prefix), six digits, A-D. */
    public static boolean ukNino(String raw) {
        String s = raw.toUpperCase(java.util.Locale.ROOT);
        if (s.length() != 9 || !allDigits(s.substring(2, 8))) {
            return false;
        }
        char a = s.charAt(0);
        char b = s.charAt(1);
        String bad = "DFIQUV";
        if (bad.indexOf(a) >= 0 || bad.indexOf(b) >= 0 || b == 'O' || !Character.isLetter(a) || !Character.isLetter(b)) {
            return false;
        }
        String prefix = s.substring(0, 2);
        if (java.util.Set.of("BG", "GB", "NK", "KN", "TN", "NT", "ZZ").contains(prefix)) {
            return false;
        }
        return "ABCD".indexOf(s.charAt(8)) >= 0;
    }

    /** Indian PAN: five letters (the fourth a holder-type code), four digits, a letter. */
    public static boolean indianPan(String raw) {
        String s = raw.toUpperCase(java.util.Locale.ROOT);
        if (s.length() != 10) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            char c = s.charAt(i);
            boolean letter = c >= 'A' && c <= 'Z';
            boolean digit = c >= '0' && c <= '9';
            if ((i < 5 || i == 9) ? !letter : !digit) {
                return false;
            }
        }
        return "ABCFGHJLPT".indexOf(s.charAt(3)) >= 0;
    }

    static boolean allDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return !s.isEmpty();
    }
}
