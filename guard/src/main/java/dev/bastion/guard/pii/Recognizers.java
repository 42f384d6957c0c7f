package dev.bastion.guard.pii;

import java.util.List;

/**
 * The built-in recognisers. Patterns are RE2 (linear time); validators do the arithmetic a pattern cannot (check
 * digits, issuer ranges, invalid SSN areas), so a number one digit off does not count.
 */
final class Recognizers {
    private Recognizers() {
    }

    /**
     * Day, month and year with one separator throughout, day-first or month-first: the day 1-31 and the month 1-12
     * (a blood gas "7.38/42/98" or a ratio "38/42/98" is no date).
     */
    private static String dayMonthYear() {
        String day = "(?:0?[1-9]|[12]\\d|3[01])";
        String month = "(?:0?[1-9]|1[0-2])";
        StringBuilder b = new StringBuilder("(?:");
        for (String sep : new String[] {"/", "\\.", "-"}) {
            if (b.length() > 3) {
                b.append('|');
            }
            b.append(day).append(sep).append(month).append(sep).append("(?:\\d{4}|\\d{2})|")
                    .append(month).append(sep).append(day).append(sep).append("(?:\\d{4}|\\d{2})");
        }
        return b.append(')').toString();
    }

    private static final String MONTHS = "(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|"
            + "aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";

    static final List<Recognizer> ALL = java.util.stream.Stream.concat(java.util.stream.Stream.of(
            Recognizer.of("email", "EMAIL_ADDRESS", "@",
                    "\\b[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\\.){1,8}[A-Za-z]{2,24}\\b", v -> true, 1.0),
            Recognizer.of("credit-card", "CREDIT_CARD", Recognizer.DIGIT, "\\b(?P<v>(?:\\d[ -]?){11,18}\\d)\\b",
                    Checksums::creditCard, 0.9, "card", "visa", "mastercard", "amex", "credit", "cc").minDigits(12),
            // a Luhn-valid number written right after "card" or "cc" is a card number even when its prefix is in no
            // issuer range we list (co-branded and regional cards, new ranges): the cue does what the prefix does
            Recognizer.of("credit-card-cue", "CREDIT_CARD", Recognizer.DIGIT,
                    "(?i)\\b(?:card|cc)(?: (?:number|num|no\\.?))?[?:#]? ?(?P<v>(?:\\d[ -]?){12,18}\\d)\\b",
                    Checksums::cuedCard, 0.75).withCues(24, "card", "cc").minDigits(13),
            Recognizer.of("iban", "IBAN_CODE", Recognizer.DIGIT, "(?i)\\b(?P<v>[A-Z]{2}\\d{2}(?:[ ]?[A-Z0-9]){11,30})\\b",
                    Checksums::iban, 1.0, "iban", "account").minDigits(4),
            Recognizer.of("us-ssn", "US_SSN", Recognizer.DIGIT, "\\b(?P<v>\\d{3}([- ]?)\\d{2}([- ]?)\\d{4})\\b", Checksums::usSsn, 0.45,
                    "ssn", "social security", "social sec").minDigits(9),
            Recognizer.of("uk-nino", "UK_NINO", Recognizer.DIGIT, "(?i)\\b(?P<v>[a-z]{2} ?\\d{2} ?\\d{2} ?\\d{2} ?[a-d])\\b",
                    Checksums::ukNino, 0.6, "national insurance", "nino", "ni number").minDigits(6),
            Recognizer.of("es-nif", "ES_NIF", Recognizer.DIGIT, "(?i)\\b(?P<v>[xyz]?\\d{7,8}-?[a-z])\\b", Checksums::spanishDni, 0.7,
                    "dni", "nie", "nif", "documento").minDigits(7),
            Recognizer.of("it-fiscal-code", "IT_FISCAL_CODE", Recognizer.DIGIT, "(?i)\\b(?P<v>[a-z]{6}\\d{2}[a-z]\\d{2}[a-z]\\d{3}[a-z])\\b",
                    Checksums::italianFiscalCode, 0.9, "codice fiscale", "fiscal").minDigits(7).minRun(16),
            Recognizer.of("fr-nir", "FR_NIR", Recognizer.DIGIT, "(?i)\\b(?P<v>[12] ?\\d{2} ?\\d{2} ?(?:\\d{2}|2a|2b) ?\\d{3} ?\\d{3} ?\\d{2})\\b",
                    Checksums::frenchNir, 0.8, "sécurité sociale", "securite sociale", "nir", "insee").minDigits(13),
            Recognizer.of("de-tax-id", "DE_TAX_ID", Recognizer.DIGIT, "\\b(?P<v>\\d{2} ?\\d{3} ?\\d{3} ?\\d{3})\\b", Checksums::germanTaxId,
                    0.3, "steuer", "tax id", "idnr", "identifikationsnummer").minDigits(11),
            Recognizer.of("in-aadhaar", "IN_AADHAAR", Recognizer.DIGIT, "\\b(?P<v>[2-9]\\d{3} ?\\d{4} ?\\d{4})\\b", Checksums::aadhaar, 0.5,
                    "aadhaar", "uidai", "aadhar").minDigits(12),
            Recognizer.of("in-pan", "IN_PAN", Recognizer.DIGIT, "(?i)\\b(?P<v>[a-z]{5}\\d{4}[a-z])\\b", Checksums::indianPan, 0.5,
                    "pan", "permanent account").minDigits(4).minRun(10),
            Recognizer.of("ca-sin", "CA_SIN", Recognizer.DIGIT, "\\b(?P<v>\\d{3}[- ]?\\d{3}[- ]?\\d{3})\\b",
                    v -> v.length() == 9 && v.charAt(0) != '0' && v.charAt(0) != '8' && Checksums.luhn(v), 0.2,
                    "sin", "social insurance").minDigits(9),
            Recognizer.of("ipv4", "IP_ADDRESS", Recognizer.DIGIT,
                    "\\b(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\b",
                    v -> true, 0.8, "ip").minDigits(4),
            Recognizer.of("ipv6", "IP_ADDRESS", ":",
                    "(?i)\\b(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\\b|(?i)\\b(?:[0-9a-f]{1,4}:){1,6}:(?:[0-9a-f]{1,4}:){0,5}[0-9a-f]{1,4}\\b",
                    v -> true, 0.8, "ip"),
            Recognizer.of("mac", "MAC_ADDRESS", ":-", "(?i)\\b[0-9a-f]{2}(?:[:-][0-9a-f]{2}){5}\\b", v -> true, 0.8, "mac"),
            // A URL never ends in sentence punctuation: "see https://example.org/a." ends before the full stop.
            Recognizer.of("url", "URL", ":", "(?i)\\bhttps?://[^\\s<>\"'()]{2,999}[^\\s<>\"'().,;:!?]", v -> true, 0.6),
            Recognizer.of("domain", "DOMAIN_NAME", ".",
                    "(?i)\\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.){1,6}(?:com|org|net|edu|gov|io|co|uk|de|fr|es|it|nl|"
                            + "info|biz|us|ca|au|in|ch|eu|ru|br|jp|cn|me|ai|app|dev|tv|be|at|se|no|dk|fi|pl|pt|ie)\\b",
                    v -> v.chars().anyMatch(Character::isLetter), 0.5, "domain", "website", "site"),
            Recognizer.of("btc", "CRYPTO", Recognizer.DIGIT, "\\b(?:bc1[ac-hj-np-z02-9]{25,39}|[13][a-km-zA-HJ-NP-Z1-9]{25,34})\\b",
                    v -> true, 0.5, "bitcoin", "btc", "wallet").minRun(26),
            Recognizer.of("eth", "CRYPTO", Recognizer.DIGIT, "\\b0x[a-fA-F0-9]{40}\\b", v -> true, 0.6, "ethereum", "eth", "wallet").minRun(42),
            Recognizer.of("date-numeric", "DATE_TIME", Recognizer.DIGIT,
                    "\\b(?:\\d{4}-\\d{2}-\\d{2}(?:[t ]\\d{2}:\\d{2}(?::\\d{2})?)?|" + dayMonthYear() + ")\\b",
                    v -> true, 0.6, "date", "born", "dob", "birth").minDigits(3)
                    .withCore("\\d[/.-]\\d"), // every branch has a digit, a separator and a digit in a row
            Recognizer.of("date-words", "DATE_TIME", Recognizer.DIGIT,
                    "(?i)\\b(?:" + MONTHS + "\\.? \\d{1,2}(?:st|nd|rd|th)?,? (?:19|20)\\d{2}|\\d{1,2}(?:st|nd|rd|th)? (?:of )?"
                            + MONTHS + ",? \\d{4}|" + MONTHS + " \\d{4}|" + MONTHS + " \\d{1,2}(?:st|nd|rd|th)?)\\b",
                    v -> true, 0.6, "date", "born", "dob", "birth").withCues(16, "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
            Recognizer.of("weekday", "DATE_TIME", "", "(?i)\\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\\b", v -> true, 0.5).withCues(0, "mon", "tue", "wed", "thu", "fri", "sat", "sun"),
            // A year counts with the word just before it ("in 1998", "born 1961"); a bare four-digit number is as
            // often a clock time ("TURNED AT 2000"), and a year alone is no personal data (HIPAA Safe Harbor keeps it).
            Recognizer.of("year", "DATE_TIME", Recognizer.DIGIT,
                    "(?i)\\b(?:in|since|born(?: in)?|year|from|until|by|of) (?P<v>(?:19|20)\\d{2})\\b", v -> true, 0.65)
                    .withCues(10, "19", "20"), // the window reaches back over "born in "
            Recognizer.of("age", "AGE", Recognizer.DIGIT, "(?i)\\b(?:aged?:?|age of|age is) (?P<v>\\d{1,3})\\b", v -> true, 0.6).withCues(16, "age"),
            Recognizer.of("age-years-old", "AGE", Recognizer.DIGIT, "(?i)\\b(?P<v>\\d{1,3})[- ](?:years?|yrs?)[- ]old\\b", v -> true, 0.6).withCues(16, "old"),
            Recognizer.of("zip-code", "ZIP_CODE", Recognizer.DIGIT, "(?i)\\b(?:zip(?: ?code)?|post ?code|postal code|plz|"
                    + "code postal|c[oó]digo postal|cap)\\s*[:#.]?\\s*(?P<v>\\d{5}(?:-\\d{4})?|\\d{4}|"
                    + "[a-z]{1,2}\\d[a-z\\d]? ?\\d[a-z]{2})\\b", v -> true, 0.85).withCues(32, "zip", "post", "plz", "code", "cap"),
            Recognizer.of("us-driver-license", "US_DRIVER_LICENSE", Recognizer.DIGIT, "(?i)\\b(?:driver'?s?|driving|"
                    + "drivers)[ -]licen[cs]e(?: (?:number|no\\.?|#|id))?(?: is)?\\s*[:#]?\\s*(?P<v>[a-z]{0,2}\\d[\\d -]{3,16}\\d|"
                    + "[a-z]{1,2}\\d{4,14})\\b", v -> v.length() >= 5 && v.length() <= 16, 0.85).withCues(48, "licen")), ClinicalRecognizers.ALL.stream()).toList(); // HIPAA Safe Harbor identifiers
}
