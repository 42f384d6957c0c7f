package dev.bastion.guard.eval;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Synthetic clinical documents with gold spans for every HIPAA Safe Harbor identifier they hold: templates (nursing
 * notes, discharge summaries, Markdown notes, upper-case ICU notes, forms, letters) whose placeholders are filled
 * with generated values. Two disjoint template sets: {@code dev} (looked at while writing the rules) and
 * {@code holdout} (scored only at the end). No real record is used: names, places and numbers are generated here
 * from small lists written for this class. The same seed gives the same notes.
 */
public final class ClinicalNotes {

    /** A gold span: a Safe Harbor category and its [start, end) in the note. */
    public record Gold(String category, int start, int end) {
        public Gold {
            if (start < 0 || end <= start) {
                throw new IllegalArgumentException("empty or negative gold span");
            }
        }
    }

    /** A generated note and its gold spans. */
    public record Note(String template, String text, List<Gold> gold) {
        public Note {
            gold = List.copyOf(gold);
        }
    }

    /** A template: its name, whether the filled note is upper-cased, and its text with {PLACEHOLDERS}. */
    public record Template(String name, boolean upper, String body) {
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Z0-9_]+)\\}");

    private static final String[] FIRST = {"Maria", "James", "Linda", "Robert", "Patricia", "Michael", "Barbara",
        "William", "Elizabeth", "David", "Jennifer", "Richard", "Susan", "Joseph", "Margaret", "Thomas", "Dorothy",
        "Charles", "Lisa", "Daniel", "Nancy", "Matthew", "Karen", "Anthony", "Betty", "Donald", "Helen", "Mark",
        "Sandra", "Paul", "Donna", "Steven", "Carol", "Andrew", "Ruth", "Kenneth", "Sharon", "George", "Michelle",
        "Joshua", "Laura", "Kevin", "Emily", "Brian", "Kimberly", "Edward", "Deborah", "Ronald", "Agnes", "Walter"};
    private static final String[] LAST = {"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller",
        "Davis", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
        "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez",
        "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill",
        "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts",
        "O'Brien", "McCarthy", "Kowalski", "Okafor", "Fitzgerald"};
    private static final String[][] CITIES = {{"Boston", "MA"}, {"Worcester", "MA"}, {"Springfield", "IL"},
        {"Albany", "NY"}, {"Hartford", "CT"}, {"Providence", "RI"}, {"Portland", "ME"}, {"Burlington", "VT"},
        {"Denver", "CO"}, {"Phoenix", "AZ"}, {"Austin", "TX"}, {"Columbus", "OH"}, {"Madison", "WI"},
        {"Raleigh", "NC"}, {"Nashville", "TN"}, {"Sacramento", "CA"}, {"Tacoma", "WA"}, {"Savannah", "GA"},
        {"Lowell", "MA"}, {"Quincy", "MA"}, {"Framingham", "MA"}, {"Brockton", "MA"}, {"Newton", "MA"},
        {"Scranton", "PA"}, {"Trenton", "NJ"}, {"Baltimore", "MD"}, {"Richmond", "VA"}, {"Omaha", "NE"}};
    private static final String[] STREETS = {"Main", "Elm", "Oak", "Maple", "Washington", "Beacon", "Park",
        "Cedar", "Pine", "Highland", "Summer", "Pleasant", "Chestnut", "Union", "Prospect", "Hillside", "Walnut"};
    private static final String[] STREET_SUFFIX = {"Street", "St", "Ave", "Avenue", "Road", "Rd", "Lane", "Drive",
        "Blvd", "Way"};
    private static final String[] MONTHS = {"January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December"};
    private static final String MBI_LETTERS = "ACDEFGHJKMNPQRTUVWXY";
    private static final String PLATE = "ABCDEFGHJKLMNPRSTUVWXYZ";

    private final SplittableRandom random;

    public ClinicalNotes(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** The templates of a set ({@code dev} or {@code holdout}), from the resource {@code clinical-<set>.txt}. */
    public static List<Template> templates(String set) {
        String name = "clinical-" + set + ".txt";
        try (InputStream in = ClinicalNotes.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no template set '" + set + "' (expected dev or holdout)");
            }
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            List<Template> out = new ArrayList<>();
            for (String part : all.split("(?m)^=== ")) {
                if (part.isBlank() || part.startsWith("#")) {
                    continue;
                }
                int nl = part.indexOf('\n');
                String header = part.substring(0, nl).trim();
                boolean upper = header.endsWith("[upper]");
                out.add(new Template(header.replace("[upper]", "").trim(), upper, part.substring(nl + 1)));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One note from a template: each placeholder filled with a fresh value, with a gold span when it is PHI. */
    public Note fill(Template t) {
        StringBuilder b = new StringBuilder();
        List<Gold> gold = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(t.body());
        int at = 0;
        while (m.find()) {
            b.append(t.body(), at, m.start());
            at = m.end();
            String kind = m.group(1);
            String value = value(kind);
            String category = category(kind);
            int start = b.length();
            b.append(value);
            if (category != null) {
                gold.add(new Gold(category, start, b.length()));
            }
        }
        b.append(t.body().substring(at));
        String text = t.upper() ? b.toString().toUpperCase(Locale.ROOT) : b.toString();
        return new Note(t.name(), text, gold);
    }

    /** The Safe Harbor category a placeholder's value belongs to, or null for values that are not PHI. */
    public static String category(String kind) {
        return switch (kind) {
            case "NAME", "FIRST", "LAST" -> "NAME";
            case "CITY", "STREET" -> "GEOGRAPHIC";
            case "ZIP" -> "ZIP";
            case "STATE", "YEAR", "TIME", "AGE_YOUNG" -> null;
            case "DATE_MD", "DATE_MD_DASH", "DATE_MDY", "DATE_MDY2", "DATE_ISO", "DATE_MON_D", "DATE_D_MON",
                    "DATE_LONG", "DATE_MON_DTH", "MONTH" -> "DATE";
            case "AGE90" -> "AGE_OVER_89";
            case "PHONE", "FAX", "PAGER" -> "PHONE_FAX";
            case "EMAIL" -> "EMAIL";
            case "SSN" -> "SSN";
            case "MRN" -> "MEDICAL_RECORD";
            case "PLAN", "MBI" -> "HEALTH_PLAN";
            case "ACCT" -> "ACCOUNT";
            case "LIC", "DEA", "NPI" -> "LICENSE_CERTIFICATE";
            case "VIN", "PLATE" -> "VEHICLE";
            case "SERIAL" -> "DEVICE";
            case "URL" -> "URL";
            case "IP" -> "IP";
            case "ID" -> "OTHER_ID";
            default -> throw new IllegalArgumentException("unknown placeholder {" + kind + "}");
        };
    }

    private String value(String kind) {
        return switch (kind) {
            case "NAME" -> pick(FIRST) + " " + pick(LAST);
            case "FIRST" -> pick(FIRST);
            case "LAST" -> pick(LAST);
            case "CITY" -> pick(CITIES)[0];
            case "STATE" -> pick(CITIES)[1];
            case "STREET" -> (1 + random.nextInt(2999)) + " " + pick(STREETS) + " " + pick(STREET_SUFFIX);
            case "ZIP" -> String.format(Locale.ROOT, "%05d", 1001 + random.nextInt(98000))
                    + (random.nextInt(5) == 0 ? String.format(Locale.ROOT, "-%04d", random.nextInt(10000)) : "");
            case "YEAR" -> Integer.toString(2005 + random.nextInt(20));
            case "TIME" -> String.format(Locale.ROOT, "%02d%02d", random.nextInt(24), random.nextInt(4) * 15);
            case "AGE_YOUNG" -> Integer.toString(18 + random.nextInt(70));
            case "DATE_MD" -> month() + "/" + day();
            case "DATE_MD_DASH" -> month() + "-" + day();
            case "DATE_MDY" -> String.format(Locale.ROOT, random.nextBoolean() ? "%02d/%02d/%d" : "%d/%d/%d", month(),
                    day(), 1930 + random.nextInt(95));
            case "DATE_MDY2" -> month() + "/" + day() + "/" + String.format(Locale.ROOT, "%02d", random.nextInt(100));
            case "DATE_ISO" -> String.format(Locale.ROOT, "%d-%02d-%02d", 2005 + random.nextInt(20), month(), day());
            case "DATE_MON_D" -> MONTHS[month() - 1].substring(0, 3) + (random.nextBoolean() ? ". " : " ") + day();
            case "DATE_MON_DTH" -> MONTHS[month() - 1] + " " + ordinal(day());
            case "DATE_D_MON" -> day() + (random.nextBoolean() ? "-" : " ") + MONTHS[month() - 1].substring(0, 3);
            case "DATE_LONG" -> MONTHS[month() - 1] + " " + day() + ", " + (2005 + random.nextInt(20));
            case "MONTH" -> MONTHS[random.nextInt(12)];
            case "AGE90" -> Integer.toString(90 + random.nextInt(15));
            case "PHONE", "FAX" -> phone();
            case "PAGER" -> digits(4 + random.nextInt(2));
            case "EMAIL" -> pick(FIRST).toLowerCase(Locale.ROOT) + "." + pick(LAST).toLowerCase(Locale.ROOT)
                    .replace("'", "") + "@" + pick(new String[] {"gmail.com", "example.org", "mail.com", "yahoo.com"});
            case "SSN" -> String.format(Locale.ROOT, "%03d-%02d-%04d", 1 + random.nextInt(665), 1 + random.nextInt(99),
                    1 + random.nextInt(9999));
            case "MRN" -> switch (random.nextInt(4)) {
                case 0 -> digits(7);
                case 1 -> "00" + digits(6);
                case 2 -> letters(1) + digits(7);
                default -> digits(3) + "-" + digits(2) + "-" + digits(2);
            };
            case "PLAN" -> switch (random.nextInt(3)) {
                case 0 -> letters(3) + digits(9);
                case 1 -> "W" + digits(9);
                default -> digits(9) + letters(1);
            };
            case "MBI" -> mbi();
            case "ACCT" -> random.nextBoolean() ? digits(8 + random.nextInt(5)) : letters(2) + "-" + digits(6);
            case "LIC" -> pick(new String[] {"MD", "RN-", "A", "LPN"}) + digits(5 + random.nextInt(3));
            case "DEA" -> dea();
            case "NPI" -> npi();
            case "VIN" -> vin();
            case "PLATE" -> random.nextBoolean() ? letters(3) + "-" + digits(4) : digits(1) + letters(3) + digits(3);
            case "SERIAL" -> random.nextBoolean() ? letters(2) + "-" + digits(3) + "-" + digits(4)
                    : digits(4) + letters(4) + digits(2);
            case "URL" -> "https://www." + pick(LAST).toLowerCase(Locale.ROOT).replace("'", "") + "family.org/"
                    + digits(5);
            case "IP" -> "10." + random.nextInt(256) + "." + random.nextInt(256) + "." + (1 + random.nextInt(254));
            case "ID" -> letters(1 + random.nextInt(2)) + digits(2) + "-" + digits(5);
            default -> throw new IllegalArgumentException("unknown placeholder {" + kind + "}");
        };
    }

    private int month() {
        return 1 + random.nextInt(12);
    }

    private int day() {
        return 1 + random.nextInt(28);
    }

    private static String ordinal(int d) {
        String suffix = d % 10 == 1 && d != 11 ? "st" : d % 10 == 2 && d != 12 ? "nd" : d % 10 == 3 && d != 13 ? "rd"
                : "th";
        return d + suffix;
    }

    private String phone() {
        String area = (2 + random.nextInt(8)) + digits(2);
        String exchange = (2 + random.nextInt(8)) + digits(2);
        String line = digits(4);
        return switch (random.nextInt(3)) {
            case 0 -> "(" + area + ") " + exchange + "-" + line;
            case 1 -> area + "-" + exchange + "-" + line;
            default -> area + "." + exchange + "." + line;
        };
    }

    private String digits(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append((char) ('0' + random.nextInt(10)));
        }
        return b.toString();
    }

    private String letters(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(PLATE.charAt(random.nextInt(PLATE.length())));
        }
        return b.toString();
    }

    private String mbi() {
        // CMS MBI: C A AN N A AN N A A N N, letters without S L O I B Z; printed with dashes after 4 and 7
        StringBuilder b = new StringBuilder();
        b.append(1 + random.nextInt(9));
        b.append(MBI_LETTERS.charAt(random.nextInt(MBI_LETTERS.length())));
        b.append(random.nextBoolean() ? (char) ('0' + random.nextInt(10)) : MBI_LETTERS.charAt(random.nextInt(20)));
        b.append(random.nextInt(10)).append('-');
        b.append(MBI_LETTERS.charAt(random.nextInt(MBI_LETTERS.length())));
        b.append(random.nextBoolean() ? (char) ('0' + random.nextInt(10)) : MBI_LETTERS.charAt(random.nextInt(20)));
        b.append(random.nextInt(10)).append('-');
        b.append(MBI_LETTERS.charAt(random.nextInt(20))).append(MBI_LETTERS.charAt(random.nextInt(20)));
        b.append(random.nextInt(10)).append(random.nextInt(10));
        return b.toString();
    }

    private String dea() {
        String first = pick(new String[] {"A", "B", "F", "M"});
        String second = letters(1);
        int[] d = new int[6];
        StringBuilder b = new StringBuilder(first + second);
        for (int i = 0; i < 6; i++) {
            d[i] = random.nextInt(10);
            b.append(d[i]);
        }
        return b.append((d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5])) % 10).toString();
    }

    private String npi() {
        String nine = "1" + digits(8);
        for (int c = 0; c < 10; c++) {
            if (dev.bastion.guard.pii.Checksums.luhn("80840" + nine + c)) {
                return nine + c;
            }
        }
        throw new IllegalStateException("no Luhn check digit");
    }

    private String vin() {
        String chars = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789";
        int[] weights = {8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2};
        String letters = "ABCDEFGHJKLMNPRSTUVWXYZ";
        int[] values = {1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9};
        char[] v = new char[17];
        for (int i = 0; i < 17; i++) {
            v[i] = i >= 11 ? (char) ('0' + random.nextInt(10)) : chars.charAt(random.nextInt(chars.length()));
        }
        int sum = 0;
        for (int i = 0; i < 17; i++) {
            if (i == 8) {
                continue;
            }
            int value = Character.isDigit(v[i]) ? v[i] - '0' : values[letters.indexOf(v[i])];
            sum += value * weights[i];
        }
        v[8] = sum % 11 == 10 ? 'X' : (char) ('0' + sum % 11);
        return new String(v);
    }

    private <T> T pick(T[] options) {
        return options[random.nextInt(options.length)];
    }
}
