package dev.bastion.guard.pii;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * Training sentences for the name model, generated (never read from any evaluation set): templates in English,
 * French, German, Spanish and Italian ({@code name-templates.txt}) whose slots are filled from the gazetteers and
 * from invented names, with labelled spans. Negative templates (capitalised product names, sentence starts) carry no
 * entity. Templates whose language tag is upper case ({@code EN|}) are upper-cased after filling (notes written in
 * capitals), and so is one sentence in forty of the others; one in twenty is lower-cased. The same seed gives the same sentences.
 */
final class NameCorpus {
    /** One generated sentence and its entity spans (type, UTF-16 start and end). */
    record Sentence(String text, List<Entity> entities) {
        Sentence {
            entities = List.copyOf(entities);
        }
    }

    record Entity(String type, int start, int end) {
        Entity {
            if (start < 0 || end <= start) {
                throw new IllegalArgumentException("bad span " + start + ".." + end);
            }
        }
    }

    static final String TEMPLATES = "name-templates.txt";
    private static final List<String> JOBS = List.of("Software Engineer", "Nurse", "Accountant", "Teacher",
            "Project Manager", "Sales Representative", "Chief Executive Officer", "CEO", "CTO", "CFO", "Lawyer",
            "Pharmacist", "Data Analyst", "Marketing Director", "Graphic Designer", "Electrician", "Plumber",
            "Mechanical Engineer", "Civil Engineer", "Dentist", "Surgeon", "Architect", "Receptionist", "Cashier",
            "Truck Driver", "Librarian", "Social Worker", "Financial Advisor", "Web Developer", "HR Manager",
            "Operations Manager", "Account Executive", "Customer Service Representative", "Research Scientist",
            "Paralegal", "Registered Nurse", "Office Assistant", "Store Manager", "Chef", "Photographer",
            "Ingénieur", "Infirmière", "Comptable", "Directeur commercial", "Avocat", "Lehrer", "Ingenieurin",
            "Geschäftsführer", "Buchhalter", "Krankenschwester", "Abogado", "Ingeniero", "Enfermera", "Contable",
            "Profesor", "Avvocato", "Ingegnere", "Infermiere", "Commercialista", "Insegnante");
    private static final List<String> PRODUCTS = List.of("Python", "Java", "Excel", "Word", "PowerPoint", "Windows",
            "Linux", "Docker", "Kubernetes", "React", "Angular", "JavaScript", "TypeScript", "Rust", "Go", "SQL",
            "PostgreSQL", "MySQL", "Photoshop", "iPhone", "Android", "ChatGPT", "GitHub", "Slack", "Zoom", "Teams",
            "Outlook", "Chrome", "Firefox", "Safari", "Spotify", "Netflix", "YouTube", "Bluetooth", "WiFi", "USB",
            "HTML", "CSS", "API", "JSON", "PDF", "AWS", "Azure", "Terraform", "Jenkins", "Tesla", "PlayStation",
            "Xbox", "Kindle", "Minecraft", "Fortnite", "Bitcoin", "Ethereum", "Monday", "Friday", "January", "March",
            "Christmas", "Easter", "Ramadan", "Halloween", "English", "Math", "Physics", "Biology", "History", "Chapter",
            "Section", "Figure", "Table", "Step", "Note", "Warning", "Error", "Summary", "Introduction", "Conclusion");
    private static final String[] SYLLABLES = {"ka", "lo", "mi", "ra", "ne", "to", "vi", "sa", "de", "ri", "an",
            "el", "or", "us", "ba", "ko", "li", "ma", "no", "pe", "zu", "ha", "jo", "ly", "sch", "bur", "ten", "ova",
            "ski", "ez", "ini", "ard", "oux", "berg", "mann", "sson", "dóttir", "sen", "nen", "lä", "ö", "szö", "ják",
            "ová", "ř", "še", "žo", "ł", "ő", "ü", "é", "ñ", "ç", "ø", "ð", "ví", "gy", "cz", "wicz", "escu", "opoulos",
            "ian", "oglu", "stein", "ino", "etti", "ez", "ão", "inho", "ak", "ek", "ić", "vić"};
    private static final List<String> ORG_WORDS = List.of("Group", "Systems", "Technologies", "Solutions", "Labs",
            "Bank", "Holdings", "Partners", "Consulting", "Media", "Foundation", "Institute", "University", "Hospital",
            "Logistics", "Energy", "Pharma", "Software", "Insurance", "Capital", "Motors", "Airlines", "Studio",
            "Associates", "Industries", "Network", "Analytics", "Robotics", "Ventures", "Agency");
    /** Section words and headings ({H}): never an entity, in any case or layout. */
    private static final List<String> SECTIONS = List.of("Assessment", "Plan", "Medications", "Allergies", "History",
            "Impression", "Summary", "Vitals", "Labs", "Findings", "Disposition", "Notes", "Status", "Background",
            "Overview", "Results", "Recommendations", "Diagnosis", "Procedures", "Instructions", "Agenda",
            "Action Items", "Next Steps", "Introduction", "Conclusion", "Subjective", "Objective", "Review of Systems",
            "Physical Exam", "Social History", "Family History", "Hospital Course", "Neuro", "Cardiac", "Resp",
            "Medical Decision Making", "Chief Complaint", "Problem List", "Key Points", "Open Questions");
    /** Drug names, procedures and clinical abbreviations ({M}): never an entity. */
    private static final List<String> MEDICAL = List.of("Lasix", "heparin", "insulin", "metoprolol", "vancomycin",
            "Zosyn", "Tylenol", "morphine", "fentanyl", "propofol", "Ativan", "Haldol", "Coumadin", "aspirin", "Plavix",
            "Protonix", "Zofran", "Dilaudid", "KCl", "albuterol", "prednisone", "Levophed", "amiodarone", "Foley",
            "IVF", "NGT", "PICC", "CXR", "EKG", "CT", "MRI", "ABG", "lisinopril", "Lovenox", "ceftriaxone", "Flagyl",
            "Precedex", "Keppra", "metformin", "Lantus", "Bactrim", "Cipro", "thiamine", "Narcan", "Senna", "Colace",
            "bronchoscopy", "thoracentesis", "dialysis", "EGD", "PRN", "BID", "TID", "QHS", "NPO", "NAD", "DC", "penicillin",
            "amoxicillin", "Augmentin", "Keflex", "cefazolin", "doxycycline", "azithromycin", "Zithromax", "codeine",
            "sulfa", "latex", "iodine", "Benadryl", "Xanax", "Ambien", "Seroquel", "Zoloft", "Prozac", "Neurontin");
    /**
     * Capitalised ordinary words ({W}): nouns, adjectives and adverbs that open sentences and titles in ordinary
     * text ("Music is ...", "Honestly, ..."), never an entity. Ours; kept apart from the words flagged on the
     * benign prompt sets, so those sets still measure what the model does with ordinary words it never saw.
     */
    private static final List<String> ORDINARY = List.of(
            "Science", "Music", "History", "Nature", "Language", "Money", "Energy", "Health", "Education",
            "Technology", "Democracy", "Freedom", "Justice", "Poverty", "Climate", "Weather", "Architecture",
            "Philosophy", "Mathematics", "Chemistry", "Geography", "Literature", "Poetry", "Painting", "Photography",
            "Cooking", "Gardening", "Swimming", "Running", "Reading", "Writing", "Teaching", "Learning", "Sleeping",
            "Training", "Marketing", "Engineering", "Banking", "Farming", "Fishing", "Mining", "Shipping", "Tourism",
            "Agriculture", "Industry", "Medicine", "Nutrition", "Exercise", "Surgery", "Therapy", "Recovery",
            "Honesty", "Kindness", "Patience", "Courage", "Loyalty", "Curiosity", "Creativity", "Happiness",
            "Sadness", "Anger", "Fear", "Silence", "Darkness", "Light", "Water", "Fire", "Wind", "Ice", "Snow",
            "Rain", "Soil", "Stone", "Metal", "Glass", "Paper", "Plastic", "Cotton", "Wool", "Coffee", "Tea",
            "Bread", "Rice", "Sugar", "Salt", "Cities", "Rivers", "Mountains", "Forests", "Oceans", "Deserts",
            "Islands", "Planets", "Stars", "Galaxies", "Animals", "Plants", "Insects", "Birds", "Cells", "Computers",
            "Phones", "Robots", "Networks", "Databases", "Servers", "Programs", "Models", "Machines",
            "Engines", "Vehicles", "Bicycles", "Trains", "Ships", "Bridges", "Roads", "Buildings", "Schools",
            "Hospitals", "Markets", "Banks", "Courts", "Museums", "Libraries", "Factories", "Farms", "Children",
            "Parents", "Teachers", "Students", "Doctors", "Nurses", "Workers", "Managers", "Voters", "Citizens",
            "Customers", "Users", "Players", "Artists", "Generally", "Usually", "Typically", "Honestly", "Clearly",
            "Obviously", "Surprisingly", "Interestingly", "Unfortunately", "Fortunately", "Ideally", "Historically",
            "Technically", "Legally", "Politically", "Economically", "Socially", "Personally", "Basically",
            "Essentially", "Importantly", "Briefly", "Eventually", "Gradually", "Suddenly", "Quickly", "Slowly",
            "Carefully", "Naturally", "Frankly", "Admittedly", "Arguably", "Notably", "Modern", "Ancient", "Global",
            "Local", "Digital", "Social", "Public", "Private", "Early", "Late", "Recent", "Classic", "Popular",
            "Common", "Rare", "Simple", "Complex", "Basic", "Advanced", "Practical", "Theoretical", "Physical",
            "Mental", "Emotional", "Economic", "Political", "Cultural", "Natural", "Human", "Renewable", "Urban",
            "Rural", "Domestic", "Foreign", "Military", "Medical", "Legal", "Scientific", "Artistic", "Religious",
            "Musical", "Statistical", "Inflation", "Recession", "Trade", "Tax", "Taxes", "Wages", "Prices",
            "Profits", "Debt", "Savings", "Investment", "Insurance", "Retirement", "Rent", "Sunlight", "Moonlight",
            "Gravity", "Evolution", "Migration", "Erosion", "Pollution", "Recycling", "Compost", "Vaccines",
            "Antibiotics", "Diets", "Chess", "Football", "Tennis", "Golf", "Baseball", "Cricket", "Soccer", "Yoga",
            "Dance", "Theatre", "Cinema", "Opera", "Jazz", "Rock", "Pop", "Folk", "Kings", "Emperors",
            "Knights", "Soldiers", "Pirates", "Wizards", "Dragons", "Monsters", "Heroes", "Villains", "Ghosts",
            "Angels", "Gods", "Friendship", "Marriage", "Family", "Childhood", "Adulthood", "Memory", "Identity",
            "Privacy", "Security", "Safety", "Trust", "Power", "Success", "Failure", "Progress", "Change", "Growth",
            "Balance", "Conflict", "Peace", "War", "Victory", "Defeat", "Mercy", "Truth", "Beauty");
    private static final List<String> UNITS = List.of("Apt.", "Apt", "Suite", "Unit", "Flat", "Floor", "Bldg.",
            "Box", "App.", "Wohnung", "Piso", "Scala", "Int.");

    private final Gazetteers g = Gazetteers.get();
    private final List<String[]> templates = new ArrayList<>();

    NameCorpus() {
        for (String line : load().split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int bar = l.indexOf('|');
            if (bar < 0) {
                throw new IllegalStateException(TEMPLATES + ": line without a language prefix: " + l);
            }
            templates.add(new String[] {l.substring(0, bar), l.substring(bar + 1).replace("\\n", "\n")});
        }
    }

    int templateCount() {
        return templates.size();
    }

    static byte[] templateBytes() {
        return load().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code n} sentences drawn with {@code random}. */
    List<Sentence> generate(int n, RandomGenerator random) {
        List<Sentence> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            // one to three templates of the same language, joined: entities then meet ordinary text around them
            String[] first = templates.get(random.nextInt(templates.size()));
            StringBuilder joined = new StringBuilder(first[1]);
            int more = random.nextInt(3);
            for (int k = 0; k < more; k++) {
                String[] t = templates.get(random.nextInt(templates.size()));
                if (t[0].equals(first[0])) {
                    joined.append(random.nextInt(4) == 0 ? "\n" : " ").append(t[1]);
                }
            }
            out.add(fill(joined.toString(), random, first[0].equals(first[0].toUpperCase(Locale.ROOT))));
        }
        return out;
    }

    private Sentence fill(String template, RandomGenerator r, boolean upper) {
        StringBuilder b = new StringBuilder();
        List<Entity> spans = new ArrayList<>();
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf('{', i);
            if (open < 0) {
                b.append(template, i, template.length());
                break;
            }
            b.append(template, i, open);
            int close = template.indexOf('}', open);
            slot(template.substring(open + 1, close), b, spans, r);
            i = close + 1;
        }
        String text = b.toString();
        if (upper || r.nextInt(40) == 0) {
            text = sameLength(text, true); // upper-case notes and shouting: same length, same spans
        } else if (r.nextInt(20) == 0) {
            text = sameLength(text, false); // lower-case typing
        }
        return new Sentence(text, spans);
    }

    /** Upper or lower case char by char, so the length and every span stay the same (ß stays ß). */
    private static String sameLength(String text, boolean upper) {
        char[] c = text.toCharArray();
        for (int i = 0; i < c.length; i++) {
            c[i] = upper ? Character.toUpperCase(c[i]) : Character.toLowerCase(c[i]);
        }
        return new String(c);
    }

    private void add(StringBuilder b, List<Entity> spans, String type, String value) {
        int s = b.length();
        b.append(value);
        spans.add(new Entity(type, s, b.length()));
    }

    private void slot(String name, StringBuilder b, List<Entity> spans, RandomGenerator r) {
        switch (name) {
            case "P" -> add(b, spans, "PERSON", person(r));
            case "F" -> add(b, spans, "PERSON", first(r));
            case "L" -> add(b, spans, "PERSON", last(r));
            case "T" -> add(b, spans, "TITLE", title(r));
            case "TP" -> {
                add(b, spans, "TITLE", title(r));
                b.append(' ');
                add(b, spans, "PERSON", r.nextBoolean() ? last(r) : person(r));
            }
            case "J" -> add(b, spans, "TITLE", pick(JOBS, r));
            case "C" -> add(b, spans, "LOCATION", city(r));
            case "K" -> add(b, spans, "LOCATION", pick(g.list(Gazetteers.COUNTRY), r));
            case "S" -> add(b, spans, "LOCATION", pick(g.list(Gazetteers.STATE), r));
            case "O" -> add(b, spans, "ORGANIZATION", organisation(r));
            case "A" -> add(b, spans, "STREET_ADDRESS", street(r));
            case "AF" -> fullAddress(b, spans, r);
            case "Z" -> add(b, spans, "ZIP_CODE", zip(r));
            case "N" -> {
                String v = pick(g.list(Gazetteers.NRP), r);
                add(b, spans, "NRP", r.nextInt(5) == 0 ? v : capitalise(v));
            }
            case "X" -> b.append(pick(PRODUCTS, r));
            case "W" -> b.append(pick(ORDINARY, r));
            case "H" -> b.append(pick(SECTIONS, r));
            case "M" -> b.append(pick(MEDICAL, r));
            case "D" -> b.append(1 + r.nextInt(r.nextBoolean() ? 12 : 500));
            default -> throw new IllegalStateException(TEMPLATES + ": unknown slot {" + name + "}");
        }
    }

    private String person(RandomGenerator r) {
        return switch (r.nextInt(10)) {
            case 0 -> first(r) + " " + (char) ('A' + r.nextInt(26)) + ". " + last(r);
            case 1 -> first(r) + " " + (char) ('A' + r.nextInt(26)) + " " + last(r);
            case 2 -> first(r) + " " + last(r) + "-" + last(r);
            case 3 -> first(r) + " " + first(r) + " " + last(r);
            default -> first(r) + " " + last(r);
        };
    }

    private String first(RandomGenerator r) {
        return r.nextInt(3) == 0 ? invented(r) : pick(g.list(Gazetteers.FIRST), r);
    }

    private String last(RandomGenerator r) {
        return r.nextInt(3) == 0 ? invented(r) : pick(g.list(Gazetteers.LAST), r);
    }

    private String title(RandomGenerator r) {
        String t = pick(List.of("Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "Mr", "Mrs", "Ms", "Dr", "Miss", "Sir", "Herr",
                "Frau", "Mme", "Mlle", "M.", "Monsieur", "Madame", "Sr.", "Sra.", "Srta.", "Don", "Doña", "Sig.",
                "Sig.ra", "Dott.", "Dott.ssa", "Ing.", "Avv.", "Rev.", "Lady", "Lord"), r);
        return t;
    }

    private String city(RandomGenerator r) {
        String c = r.nextInt(6) == 0 ? invented(r) : pick(g.list(Gazetteers.CITY), r);
        return r.nextInt(10) == 0 ? c.toUpperCase(Locale.ROOT) : c;
    }

    private String organisation(RandomGenerator r) {
        List<String> suffix = g.list(Gazetteers.COMPANY);
        return switch (r.nextInt(7)) {
            case 0 -> last(r) + " " + pick(suffix, r);
            case 1 -> last(r) + " & " + last(r);
            case 2 -> last(r) + ", " + last(r) + " and " + last(r);
            case 3 -> invented(r) + " " + pick(ORG_WORDS, r);
            case 4 -> invented(r) + " " + pick(suffix, r);
            case 5 -> last(r) + " " + pick(ORG_WORDS, r) + " " + pick(suffix, r);
            default -> invented(r) + (r.nextBoolean() ? "" : pick(List.of("tech", "ify", "ex", "ium", "ora"), r));
        };
    }

    private String street(RandomGenerator r) {
        String name = r.nextBoolean() ? last(r) : first(r);
        String suffix = pick(g.list(Gazetteers.STREET), r);
        int number = 1 + r.nextInt(r.nextBoolean() ? 200 : 99999);
        String glued = name + pick(List.of("katu", "tie", "gatan", "vej", "straße", "strasse", "weg", "laan", "gade",
                "veien", "stræde", "utca", "ulica", "platz", "allee", "gasse"), r);
        String s = switch (r.nextInt(11)) {
            case 0 -> glued + " " + number; // Hauptstraße 5
            case 1 -> number + " " + glued + " " + (1 + r.nextInt(99)); // 6750 Koskikatu 25
            case 2 -> suffix + " " + name + " " + number; // Via Roma 10, Calle Mayor 5
            case 3 -> number + ", " + pick(List.of("rue", "avenue", "boulevard", "place", "chemin", "allée"), r) + " "
                    + pick(List.of("de la ", "du ", "des ", "de ", ""), r) + name;
            case 5 -> pick(List.of("ul.", "ul", "u.", "al.", "pl."), r) + " " + name + " " + number; // Polish, Hungarian
            case 6 -> number + " " + (1 + r.nextInt(9999)) + " " + name + " " + suffix; // house and block numbers
            case 7 -> switch (r.nextInt(4)) { // US military and post-box addresses
                case 0 -> pick(List.of("USS", "USNS", "USCGC"), r) + " " + last(r) + "\nFPO " + pick(List.of("AA", "AE",
                        "AP"), r) + " " + zip(r);
                case 1 -> "PSC " + (1000 + r.nextInt(9000)) + ", Box " + (1000 + r.nextInt(9000)) + "\nAPO "
                        + pick(List.of("AA", "AE", "AP"), r) + " " + zip(r);
                case 2 -> "Unit " + (1000 + r.nextInt(9000)) + " Box " + (1000 + r.nextInt(9000)) + "\nDPO "
                        + pick(List.of("AA", "AE", "AP"), r) + " " + zip(r);
                default -> pick(List.of("P.O. Box", "PO Box", "Postfach", "Apartado", "Casella postale", "BP"), r) + " "
                        + (1 + r.nextInt(9999));
            };
            case 4 -> number + " " + pick(List.of("Rua", "Calle", "Via", "Avenida", "Rue"), r) + " "
                    + pick(List.of("do ", "da ", "de ", "del ", "di ", "della ", ""), r) + name + " " + (1 + r.nextInt(999));
            default -> number + " " + name + " " + suffix;
        };
        int units = r.nextInt(3) == 0 ? 1 + r.nextInt(2) : 0;
        for (int u = 0; u < units; u++) {
            s += pick(List.of(" ", "\n", ", ", "\n "), r) + pick(UNITS, r) + " " + (1 + r.nextInt(999));
        }
        return s;
    }

    /** A whole postal address is one STREET_ADDRESS, as Presidio defines it: street, unit, postcode, city, region. */
    private void fullAddress(StringBuilder b, List<Entity> spans, RandomGenerator r) {
        String sep = pick(List.of(", ", "\n", ",\n", "\n    ", " ", "\n "), r);
        StringBuilder a = new StringBuilder(street(r)).append(sep);
        boolean zipFirst = r.nextBoolean();
        if (zipFirst) {
            a.append(zip(r)).append(' ');
        }
        a.append(city(r));
        if (r.nextBoolean()) {
            a.append(pick(List.of(", ", " ", "\n"), r)).append(r.nextBoolean() ? pick(g.list(Gazetteers.STATE), r)
                    : "" + (char) ('A' + r.nextInt(26)) + (char) ('A' + r.nextInt(26)));
        }
        boolean countryThenZip = !zipFirst && r.nextInt(3) == 0;
        if (countryThenZip) {
            a.append(sep).append(pick(g.list(Gazetteers.COUNTRY), r)).append(' ').append(zip(r)); // Finland 38524
        } else {
            if (!zipFirst) {
                a.append(pick(List.of(" ", ", ", "\n"), r)).append(zip(r));
            }
            if (r.nextInt(3) == 0) {
                a.append(sep).append(pick(g.list(Gazetteers.COUNTRY), r));
            }
        }
        add(b, spans, "STREET_ADDRESS", a.toString());
    }

    private static String zip(RandomGenerator r) {
        return switch (r.nextInt(5)) {
            case 0 -> String.format(Locale.ROOT, "%04d", r.nextInt(10_000));
            case 1 -> String.format(Locale.ROOT, "%05d-%04d", r.nextInt(100_000), r.nextInt(10_000));
            case 2 -> "" + (char) ('A' + r.nextInt(26)) + (char) ('A' + r.nextInt(26)) + (1 + r.nextInt(20)) + " "
                    + r.nextInt(10) + (char) ('A' + r.nextInt(26)) + (char) ('A' + r.nextInt(26));
            default -> String.format(Locale.ROOT, "%05d", r.nextInt(100_000));
        };
    }

    private static String invented(RandomGenerator r) {
        StringBuilder b = new StringBuilder();
        int n = 2 + r.nextInt(2);
        for (int i = 0; i < n; i++) {
            b.append(SYLLABLES[r.nextInt(SYLLABLES.length)]);
        }
        return capitalise(b.toString());
    }

    private static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static <T> T pick(List<T> list, RandomGenerator r) {
        return list.get(r.nextInt(list.size()));
    }

    private static String load() {
        try (InputStream in = NameCorpus.class.getResourceAsStream(TEMPLATES)) {
            if (in == null) {
                throw new IllegalStateException(TEMPLATES + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
