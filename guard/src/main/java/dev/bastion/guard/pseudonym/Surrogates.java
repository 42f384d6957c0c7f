package dev.bastion.guard.pseudonym;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import dev.bastion.guard.pii.Checksums;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Makes surrogates: type tags ({@code <PERSON_1>}) or realistic fake values of the same type and format.
 *
 * <p>Realistic surrogates: an e-mail becomes {@code first.last@example.com} (RFC 2606 domains, which never reach a
 * real mailbox); a phone number keeps its country code, first national digits and separators, with the other
 * digits random, and is valid for its region (libphonenumber); a card keeps its first four digits (the network),
 * length and grouping, with a fresh Luhn check digit; an IBAN keeps its country, grouping and the letter/digit shape
 * of its BBAN, with fresh mod-97 check digits; a person's name is made of first and last names from the guard's
 * gazetteers, in the same case as the original. Types without a realistic form get the tag. A candidate that cannot
 * be made valid within a few tries falls back to the tag. Randomness is {@link SecureRandom} unless a test passes
 * its own. Thread-safe when the random generator is.
 */
public final class Surrogates {
    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();
    private static final List<String> PHONE_REGIONS = List.of("US", "GB", "DE", "FR", "ES", "IT", "IN", "CA", "AU",
            "NL", "CH", "IE", "BE", "AT", "BR", "IL");
    private static final Set<String> TITLES = Set.of("mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "herr",
            "frau", "mme", "mlle", "sr", "sra");
    /** Names that are also common English words: never used as fakes (restore would find them in prose). */
    private static final Set<String> WORDS = Set.of("will", "may", "mark", "bill", "rose", "grace", "hope", "joy",
            "faith", "summer", "winter", "autumn", "spring", "art", "page", "long", "young", "king", "white", "black",
            "brown", "green", "april", "june", "july", "august", "march", "major", "dean", "chase", "case", "hunter",
            "price", "lane", "hall", "hill", "ward", "cook", "wood", "stone", "rich", "sharp", "bond", "best",
            "miles", "rain", "sky", "star", "sunny", "honey", "ray", "don", "guy", "nick", "pat", "sue", "ken", "max",
            "rod", "van", "ali", "amber", "ruby", "pearl", "jade", "crystal", "dawn", "eve", "glory", "unity", "patience",
            "prudence", "constance", "ernest", "frank", "earnest", "harmony", "melody", "precious", "royal", "sterling",
            "gray", "grey", "golden", "little", "small", "short", "strong", "west", "north", "south", "east", "church",
            "street", "field", "fields", "park", "bush", "banks", "bank", "lord", "moon", "love", "cash", "gold");
    private static final List<String> FIRST = names("first.txt");
    private static final List<String> LAST = names("last.txt");

    private final Style style;
    private final RandomGenerator random;

    private Surrogates(Style style, RandomGenerator random) {
        this.style = Objects.requireNonNull(style, "style");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** Surrogates of {@code style}, with a secure random source. */
    public static Surrogates of(Style style) {
        return new Surrogates(style, new SecureRandom());
    }

    /** For tests: a caller-chosen (for example seeded) random source. */
    static Surrogates forTesting(Style style, RandomGenerator random) {
        return new Surrogates(style, random);
    }

    public Style style() {
        return style;
    }

    /** The tag surrogate {@code <TYPE_n>}. */
    public static String tag(String type, int n) {
        return "<" + type + "_" + n + ">";
    }

    /**
     * A candidate surrogate for the {@code n}-th value of {@code type}; {@code attempt} counts earlier candidates
     * the table rejected (a tag candidate then takes a higher number).
     */
    public String candidate(String type, String value, int n, int attempt) {
        if (style == Style.TAG) {
            return tag(type, n + attempt);
        }
        String fake = switch (type) {
            case "EMAIL_ADDRESS" -> email(attempt);
            case "PHONE_NUMBER" -> phone(value);
            case "CREDIT_CARD" -> card(value);
            case "IBAN_CODE" -> iban(value);
            case "PERSON" -> person(value);
            default -> null;
        };
        return fake == null ? tag(type, n + attempt) : fake;
    }

    private String email(int attempt) {
        String local = ascii(pick(FIRST)) + "." + ascii(pick(LAST)) + (attempt > 4 ? Integer.toString(attempt) : "");
        String domain = List.of("example.com", "example.org", "example.net").get(random.nextInt(3));
        return local.toLowerCase(Locale.ROOT) + "@" + domain;
    }

    private String phone(String value) {
        String region = null;
        int countryDigits = 0;
        for (String r : value.startsWith("+") ? List.of("ZZ") : PHONE_REGIONS) {
            try {
                var parsed = PHONES.parse(value, r);
                if (PHONES.isValidNumber(parsed)) {
                    region = PHONES.getRegionCodeForNumber(parsed);
                    countryDigits = value.startsWith("+") ? Integer.toString(parsed.getCountryCode()).length() : 0;
                    break;
                }
            } catch (NumberParseException e) {
                // not a number of this region
            }
        }
        if (region == null) {
            return null;
        }
        for (int keep = countryDigits + 2; keep <= countryDigits + 4; keep++) {
            for (int i = 0; i < 12; i++) {
                String fake = replaceDigits(value, keep, 0);
                try {
                    if (!fake.equals(value) && PHONES.isValidNumber(PHONES.parse(fake, region))) {
                        return fake;
                    }
                } catch (NumberParseException e) {
                    // try again
                }
            }
        }
        return null;
    }

    private String card(String value) {
        for (int i = 0; i < 12; i++) {
            String fake = replaceDigits(value, 4, 1);
            String digits = digitsOf(fake);
            int check = luhnCheckDigit(digits.substring(0, digits.length() - 1));
            int last = lastDigit(fake);
            fake = fake.substring(0, last) + check + fake.substring(last + 1);
            if (!fake.equals(value) && Checksums.creditCard(digitsOf(fake))) {
                return fake;
            }
        }
        return null;
    }

    private String iban(String value) {
        String compact = value.replace(" ", "").toUpperCase(Locale.ROOT);
        if (compact.length() < 5) {
            return null;
        }
        for (int i = 0; i < 12; i++) {
            StringBuilder bban = new StringBuilder();
            for (char c : compact.substring(4).toCharArray()) {
                bban.append(Character.isDigit(c) ? (char) ('0' + random.nextInt(10)) : (char) ('A' + random.nextInt(26)));
            }
            String country = compact.substring(0, 2);
            int mod = mod97(bban + country + "00");
            String fakeCompact = country + String.format(Locale.ROOT, "%02d", 98 - mod) + bban;
            if (fakeCompact.equals(compact) || !Checksums.iban(fakeCompact)) {
                continue;
            }
            StringBuilder out = new StringBuilder(value.length());
            int k = 0;
            for (char c : value.toCharArray()) {
                if (c == ' ') {
                    out.append(c);
                } else {
                    char f = fakeCompact.charAt(k++);
                    out.append(Character.isLowerCase(c) ? Character.toLowerCase(f) : f);
                }
            }
            return out.toString();
        }
        return null;
    }

    private String person(String value) {
        String[] words = value.split(" ", -1);
        StringBuilder out = new StringBuilder();
        boolean first = true;
        for (int i = 0; i < words.length; i++) {
            String w = words[i];
            if (i > 0) {
                out.append(' ');
            }
            String bare = w.replace(".", "").toLowerCase(Locale.ROOT);
            if (w.isEmpty() || TITLES.contains(bare) || (bare.length() == 1 && i < words.length - 1)) {
                out.append(w); // titles and middle initials carry nothing that identifies
                continue;
            }
            String fake = first && (words.length == 1 || i < words.length - 1) ? pick(FIRST) : pick(LAST);
            first = false;
            out.append(sameCase(w, fake));
        }
        return out.toString();
    }

    private static String sameCase(String model, String fake) {
        if (model.equals(model.toUpperCase(Locale.ROOT)) && !model.equals(model.toLowerCase(Locale.ROOT))) {
            return fake.toUpperCase(Locale.ROOT);
        }
        if (model.equals(model.toLowerCase(Locale.ROOT))) {
            return fake.toLowerCase(Locale.ROOT);
        }
        return fake;
    }

    /** Replaces every digit after the first {@code keep} digits, except the last {@code spareLast}, at random. */
    private String replaceDigits(String value, int keep, int spareLast) {
        int total = (int) value.chars().filter(Character::isDigit).count();
        StringBuilder out = new StringBuilder(value.length());
        int seen = 0;
        for (char c : value.toCharArray()) {
            if (Character.isDigit(c)) {
                boolean random = seen >= keep && seen < total - spareLast;
                out.append(random ? (char) ('0' + this.random.nextInt(10)) : c);
                seen++;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static int lastDigit(String s) {
        for (int i = s.length() - 1; i >= 0; i--) {
            if (Character.isDigit(s.charAt(i))) {
                return i;
            }
        }
        throw new IllegalArgumentException("no digit");
    }

    /** The digit that makes {@code payload} + digit pass Luhn (the validator's own rule, tried for each digit). */
    static int luhnCheckDigit(String payload) {
        for (int d = 0; d < 10; d++) {
            if (dev.bastion.guard.pii.Checksums.luhn(payload + d)) {
                return d;
            }
        }
        throw new IllegalArgumentException("not a digit string");
    }

    /** ISO 7064 mod 97-10 of an alphanumeric string (letters count as 10..35). */
    static int mod97(String s) {
        int r = 0;
        for (char c : s.toCharArray()) {
            int v = Character.isDigit(c) ? c - '0' : c - 'A' + 10;
            r = v >= 10 ? (r * 100 + v) % 97 : (r * 10 + v) % 97;
        }
        return r;
    }

    private String pick(List<String> list) {
        return list.get(random.nextInt(list.size()));
    }

    /** The digits of {@code s}, in order (a card number without its spaces and dashes). */
    private static String digitsOf(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.chars().filter(c -> c >= '0' && c <= '9').forEach(c -> b.append((char) c));
        return b.toString();
    }

    private static String ascii(String s) {
        return s.replaceAll("[^A-Za-z]", "");
    }

    /** Gazetteer names of 4 to 10 ASCII letters (so fake e-mail addresses stay ASCII), except common words. */
    private static List<String> names(String file) {
        try (InputStream in = Surrogates.class.getResourceAsStream("/dev/bastion/guard/pii/gazetteer/" + file)) {
            if (in == null) {
                throw new IllegalStateException("gazetteer " + file + " is missing from the build");
            }
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().map(String::strip)
                    .filter(s -> s.matches("[A-Z][a-z]{3,9}") && !WORDS.contains(s.toLowerCase(Locale.ROOT))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
