package dev.bastion.guard.pii;

/**
 * Check digits of the identifiers HIPAA Safe Harbor names that carry one: vehicle identification numbers, National
 * Provider Identifiers and DEA registration numbers; and the age range Safe Harbor removes. Each takes the value as
 * {@link Recognizer#strip} leaves it (separators removed, upper case). Stateless.
 */
final class ClinicalChecksums {
    private ClinicalChecksums() {
    }

    /*
     * VIN (49 CFR 565.15, North American VINs): 17 characters from A-Z and 0-9 without I, O and Q. Letters are
     * transliterated (A-H = 1-8, J-N = 1-5, P = 7, R = 9, S-Z = 2-9), multiplied by the position weights
     * 8 7 6 5 4 3 2 10 0 9 8 7 6 5 4 3 2, summed, and the sum mod 11 is the ninth character (10 is written X).
     * Test vector: 1M8GDM9AXKP042788 (check digit X), cited in the Wikipedia article on VINs.
     *
     * NPI (CMS, "Requirements for NPI check digit"): ten digits whose last is the Luhn check digit of the first
     * nine prefixed with 80840 (the ISO 7812 issuer prefix for US health). Test vector: 1234567893, the example
     * in that CMS document.
     *
     * DEA registration number: two letters (the registrant type, then the initial of the registrant's last name
     * or 9) and seven digits; (d1 + d3 + d5) + 2 * (d2 + d4 + d6) ends in d7. Test vector: AB1234563 (1 + 3 + 5
     * + 2 * (2 + 4 + 6) = 33).
     */
    private static final int[] VIN_WEIGHTS = {8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2};
    private static final String VIN_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ";
    private static final int[] VIN_VALUES = {1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9};
    private static final String DEA_FIRST = "ABCDEFGHJKLMPRSTUX";

    /** A 17-character VIN whose ninth character is its check digit, with at least one letter and one digit. */
    static boolean vin(String v) {
        if (v.length() != 17 || !vinShape(v)) {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < 17; i++) {
            char c = v.charAt(i);
            int value = c >= '0' && c <= '9' ? c - '0' : VIN_VALUES[VIN_LETTERS.indexOf(c)];
            sum += value * VIN_WEIGHTS[i];
        }
        int check = sum % 11;
        return v.charAt(8) == (check == 10 ? 'X' : (char) ('0' + check));
    }

    /** Seventeen VIN characters (no I, O, Q) with a letter and a digit: the shape, whatever the check digit. */
    static boolean vinShape(String v) {
        if (v.length() != 17) {
            return false;
        }
        boolean letter = false;
        boolean digit = false;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c >= '0' && c <= '9') {
                digit = true;
            } else if (VIN_LETTERS.indexOf(c) >= 0) {
                letter = true;
            } else {
                return false;
            }
        }
        return letter && digit;
    }

    /** A ten-digit NPI whose last digit is the Luhn check digit of 80840 and its first nine. */
    static boolean npi(String v) {
        return v.length() == 10 && Checksums.allDigits(v) && (v.charAt(0) == '1' || v.charAt(0) == '2')
                && Checksums.luhn("80840" + v);
    }

    /** A DEA registration number: registrant letter, name initial or 9, six digits and their check digit. */
    static boolean dea(String v) {
        if (v.length() != 9 || DEA_FIRST.indexOf(v.charAt(0)) < 0) {
            return false;
        }
        char second = v.charAt(1);
        if (!(second >= 'A' && second <= 'Z' || second == '9') || !Checksums.allDigits(v.substring(2))) {
            return false;
        }
        int[] d = new int[7];
        for (int i = 0; i < 7; i++) {
            d[i] = v.charAt(2 + i) - '0';
        }
        return (d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5])) % 10 == d[6];
    }

    /** An age Safe Harbor removes: over 89 (and at most 125, beyond which the number is no age). */
    static boolean ageOver89(String v) {
        if (v.isEmpty() || v.length() > 3 || !Checksums.allDigits(v)) {
            return false;
        }
        int age = Integer.parseInt(v);
        return age >= 90 && age <= 125;
    }

    /** An identifier value: 3 to 24 characters, at least two of them digits. */
    static boolean identifier(String v) {
        if (v.length() < 3 || v.length() > 24) {
            return false;
        }
        int digits = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
            } else if (!(c >= 'A' && c <= 'Z')) {
                return false;
            }
        }
        return digits >= 2;
    }

    /** Only digits: a numeric date, which a guard match (a dose or vital-sign word around it) never is. */
    static boolean numeric(String v) {
        return !v.isEmpty() && Checksums.allDigits(v);
    }
}
