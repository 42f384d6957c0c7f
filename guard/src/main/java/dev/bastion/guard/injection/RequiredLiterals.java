package dev.bastion.guard.injection;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The literal strings a regular expression cannot match without: a necessary condition, checked with
 * {@link String#contains} before the regular expression runs. A rule whose condition fails on a text cannot match
 * it, so skipping its RE2/J search changes no result; most rules fail it on an ordinary short message, where the
 * searches were nearly all of the injection scanner's time (round sixteen).
 *
 * <p>Derived from the pattern itself, so a new or edited rule needs nothing by hand. The analysis knows the syntax the
 * rules use (literals, groups, alternation, classes, quantifiers, {@code \b}, {@code \s}, {@code .}) and answers
 * {@link Condition#ALWAYS} (the rule always runs) for anything else: inline flags such as {@code (?i)}, unknown
 * escapes, a case-insensitive pattern. It may only ever be too weak, never too strong: {@code RequiredLiteralsTest}
 * checks that every text a rule matches in the fixtures passes the rule's condition.
 *
 * <p>This class is immutable and thread-safe.
 */
final class RequiredLiterals {
    /** Beyond this many alternatives an exact set is no longer grown (the analysis stays small and linear). */
    private static final int MAX_EXACT = 64;

    /** A condition on a text that every match of the pattern needs. */
    sealed interface Condition permits Always, AnyOf, All, Either {
        Condition ALWAYS = new Always();

        boolean holds(String text);
    }

    /** No condition: the pattern must run. */
    record Always() implements Condition {
        @Override
        public boolean holds(String text) {
            return true;
        }
    }

    /** The text contains at least one of {@code literals} (each non-empty). */
    record AnyOf(List<String> literals) implements Condition {
        AnyOf {
            literals = List.copyOf(literals);
            if (literals.isEmpty() || literals.stream().anyMatch(String::isEmpty)) {
                throw new IllegalArgumentException("a literal condition needs non-empty literals");
            }
        }

        @Override
        public boolean holds(String text) {
            for (String l : literals) {
                if (text.contains(l)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Every part holds (the parts of a concatenation). */
    record All(List<Condition> parts) implements Condition {
        All {
            parts = List.copyOf(parts);
        }

        @Override
        public boolean holds(String text) {
            for (Condition c : parts) {
                if (!c.holds(text)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Some part holds (the branches of an alternation). */
    record Either(List<Condition> parts) implements Condition {
        Either {
            parts = List.copyOf(parts);
        }

        @Override
        public boolean holds(String text) {
            for (Condition c : parts) {
                if (c.holds(text)) {
                    return true;
                }
            }
            return false;
        }
    }

    private RequiredLiterals() {
    }

    /*
     * A condition as a flat program: each node is [kind, length, count, payload...], length counting the whole node.
     * ALWAYS has no payload; ANY_OF's payload is literal ids (the text contains one of them); ALL and EITHER's payload
     * is their parts' nodes, one after another. holds(program, at, present) gives exactly what the condition's own
     * holds(text) gives when present[id] says whether the text contains literal id, in the same order of evaluation.
     */
    private static final int ALWAYS = 0;
    private static final int ANY_OF = 1;
    private static final int ALL = 2;
    private static final int EITHER = 3;

    /**
     * Appends {@code condition} to {@code code} as a node of the flat program; its literals get ids in {@code ids}
     * (new ones numbered in order of first use).
     */
    static void compile(Condition condition, java.util.Map<String, Integer> ids, List<Integer> code) {
        int at = code.size();
        switch (condition) {
            case Always a -> code.addAll(List.of(ALWAYS, 3, 0));
            case AnyOf any -> {
                code.addAll(List.of(ANY_OF, 0, any.literals().size()));
                for (String l : any.literals()) {
                    code.add(ids.computeIfAbsent(l, k -> ids.size()));
                }
            }
            case All all -> {
                code.addAll(List.of(ALL, 0, all.parts().size()));
                all.parts().forEach(p -> compile(p, ids, code));
            }
            case Either either -> {
                code.addAll(List.of(EITHER, 0, either.parts().size()));
                either.parts().forEach(p -> compile(p, ids, code));
            }
        }
        code.set(at + 1, code.size() - at);
    }

    /** Whether the node at {@code at} of {@code program} holds for a text containing the literals marked in {@code present}. */
    static boolean holds(int[] program, int at, boolean[] present) {
        int kind = program[at];
        int count = program[at + 2];
        int p = at + 3;
        switch (kind) {
            case ANY_OF -> {
                for (int k = 0; k < count; k++) {
                    if (present[program[p + k]]) {
                        return true;
                    }
                }
                return false;
            }
            case ALL -> {
                for (int k = 0; k < count; k++, p += program[p + 1]) {
                    if (!holds(program, p, present)) {
                        return false;
                    }
                }
                return true;
            }
            case EITHER -> {
                for (int k = 0; k < count; k++, p += program[p + 1]) {
                    if (holds(program, p, present)) {
                        return true;
                    }
                }
                return false;
            }
            default -> {
                return true; // ALWAYS
            }
        }
    }

    /** The condition of {@code pattern}, {@link Condition#ALWAYS} when it cannot be derived. */
    static Condition of(com.google.re2j.Pattern pattern) {
        if ((pattern.flags() & com.google.re2j.Pattern.CASE_INSENSITIVE) != 0) {
            return Condition.ALWAYS;
        }
        return of(pattern.pattern());
    }

    /** The condition of a regular expression in RE2 syntax, matched case-sensitively. */
    static Condition of(String regex) {
        try {
            Parser p = new Parser(regex);
            Info info = p.alternation();
            if (p.at != regex.length()) {
                return Condition.ALWAYS;
            }
            return info.condition();
        } catch (Unsupported e) {
            return Condition.ALWAYS;
        }
    }

    /**
     * What is known of a sub-expression: {@code exact}, when not null, lists every string it can match (it may hold
     * the empty string); {@code required} holds for every text that contains one of its matches.
     */
    private record Info(Set<String> exact, Condition required) {
        static final Info UNKNOWN = new Info(null, Condition.ALWAYS);

        static Info exactly(Set<String> strings) {
            return new Info(strings, strings.contains("") ? Condition.ALWAYS : anyOf(strings));
        }

        Condition condition() {
            return required;
        }
    }

    /** An any-of condition without redundant literals: one that contains another literal of the set is dropped. */
    private static Condition anyOf(Set<String> strings) {
        List<String> sorted = new ArrayList<>(strings);
        sorted.sort(Comparator.comparingInt(String::length));
        List<String> kept = new ArrayList<>();
        for (String s : sorted) {
            if (kept.stream().noneMatch(s::contains)) {
                kept.add(s);
            }
        }
        return new AnyOf(kept);
    }

    private static final class Unsupported extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unsupported() {
            super(null, null, false, false);
        }
    }

    /** A recursive-descent reader of the RE2 syntax the rules use; anything else throws {@link Unsupported}. */
    private static final class Parser {
        private final String re;
        private int at;

        Parser(String re) {
            this.re = re;
        }

        Info alternation() {
            List<Info> branches = new ArrayList<>();
            branches.add(concatenation());
            while (at < re.length() && re.charAt(at) == '|') {
                at++;
                branches.add(concatenation());
            }
            if (branches.size() == 1) {
                return branches.getFirst();
            }
            Set<String> union = new LinkedHashSet<>();
            boolean allExact = true;
            for (Info b : branches) {
                if (b.exact() == null) {
                    allExact = false;
                    break;
                }
                union.addAll(b.exact());
            }
            if (allExact && union.size() <= MAX_EXACT) {
                return Info.exactly(union);
            }
            List<Condition> parts = new ArrayList<>();
            Set<String> literals = new LinkedHashSet<>();
            for (Info b : branches) {
                switch (b.required()) {
                    case Always a -> {
                        return Info.UNKNOWN;
                    }
                    case AnyOf any -> literals.addAll(any.literals());
                    case Condition c -> parts.add(c);
                }
            }
            if (!literals.isEmpty()) {
                parts.add(anyOf(literals));
            }
            return new Info(null, parts.size() == 1 ? parts.getFirst() : new Either(parts));
        }

        Info concatenation() {
            List<Condition> parts = new ArrayList<>();
            Set<String> run = Set.of("");
            boolean exact = true;
            while (at < re.length() && re.charAt(at) != '|' && re.charAt(at) != ')') {
                Info item = repeat();
                if (item.exact() != null && run.size() * item.exact().size() <= MAX_EXACT) {
                    run = product(run, item.exact());
                    continue;
                }
                exact = false;
                flush(run, parts);
                if (item.exact() != null) {
                    run = item.exact();
                } else {
                    run = Set.of("");
                    if (!(item.required() instanceof Always)) {
                        parts.add(item.required());
                    }
                }
            }
            if (exact) {
                return Info.exactly(run);
            }
            flush(run, parts);
            if (parts.isEmpty()) {
                return Info.UNKNOWN;
            }
            return new Info(null, parts.size() == 1 ? parts.getFirst() : new All(parts));
        }

        private static void flush(Set<String> run, List<Condition> parts) {
            if (!run.contains("")) {
                parts.add(anyOf(run));
            }
        }

        private static Set<String> product(Set<String> a, Set<String> b) {
            Set<String> out = new LinkedHashSet<>();
            for (String x : a) {
                for (String y : b) {
                    out.add(x + y);
                }
            }
            return out;
        }

        Info repeat() {
            Info atom = atom();
            if (at >= re.length()) {
                return atom;
            }
            char c = re.charAt(at);
            int min;
            if (c == '?' || c == '*' || c == '+') {
                at++;
                min = c == '+' ? 1 : 0;
                if (at < re.length() && re.charAt(at) == '?') {
                    at++; // lazy: matches the same strings
                }
                if (c == '?') {
                    if (atom.exact() == null) {
                        return Info.UNKNOWN;
                    }
                    Set<String> optional = new LinkedHashSet<>(atom.exact());
                    optional.add("");
                    return Info.exactly(optional);
                }
            } else if (c == '{') {
                int close = re.indexOf('}', at);
                if (close < 0) {
                    throw new Unsupported();
                }
                String body = re.substring(at + 1, close);
                int comma = body.indexOf(',');
                String low = comma < 0 ? body : body.substring(0, comma);
                String high = comma < 0 ? "" : body.substring(comma + 1);
                if (!digits(low) || (!high.isEmpty() && !digits(high)) || low.length() > 6) {
                    throw new Unsupported();
                }
                min = Integer.parseInt(low);
                at = close + 1;
                if (at < re.length() && re.charAt(at) == '?') {
                    at++;
                }
            } else {
                return atom;
            }
            return min >= 1 ? new Info(null, atom.required()) : Info.UNKNOWN;
        }

        private static boolean digits(String s) {
            return !s.isEmpty() && s.chars().allMatch(ch -> ch >= '0' && ch <= '9');
        }

        Info atom() {
            char c = re.charAt(at);
            switch (c) {
                case '(' -> {
                    at++;
                    if (re.startsWith("?:", at)) {
                        at += 2;
                    } else if (at < re.length() && re.charAt(at) == '?') {
                        throw new Unsupported(); // flags, named groups: not worth knowing here
                    }
                    Info inner = alternation();
                    if (at >= re.length() || re.charAt(at) != ')') {
                        throw new Unsupported();
                    }
                    at++;
                    return inner;
                }
                case '[' -> {
                    return characterClass();
                }
                case '.' -> {
                    at++;
                    return Info.UNKNOWN;
                }
                case '^', '$' -> {
                    at++;
                    return Info.exactly(Set.of(""));
                }
                case '\\' -> {
                    at++;
                    if (at >= re.length()) {
                        throw new Unsupported();
                    }
                    char e = re.charAt(at++);
                    if (e == 'b' || e == 'B' || e == 'A' || e == 'z') {
                        return Info.exactly(Set.of(""));
                    }
                    if (e == 's' || e == 'S' || e == 'd' || e == 'D' || e == 'w' || e == 'W') {
                        return Info.UNKNOWN;
                    }
                    if (Character.isLetterOrDigit(e)) {
                        throw new Unsupported(); // \p{..}, \x41, \n, back-references...
                    }
                    return Info.exactly(Set.of(String.valueOf(e)));
                }
                case '*', '+', '?', '{', '|', ')' -> throw new Unsupported();
                default -> {
                    int cp = re.codePointAt(at);
                    at += Character.charCount(cp);
                    return Info.exactly(Set.of(new String(Character.toChars(cp))));
                }
            }
        }

        /** A class of a few literal characters becomes an exact set; any other class is unknown. */
        Info characterClass() {
            at++; // '['
            boolean negated = at < re.length() && re.charAt(at) == '^';
            if (negated) {
                at++;
            }
            Set<String> chars = new LinkedHashSet<>();
            boolean literal = !negated;
            boolean first = true;
            while (at < re.length() && (re.charAt(at) != ']' || first)) {
                first = false;
                char c = re.charAt(at++);
                if (c == '[') {
                    throw new Unsupported(); // [:alpha:] and the like
                }
                if (c == '\\') {
                    if (at >= re.length()) {
                        throw new Unsupported();
                    }
                    char e = re.charAt(at++);
                    if (Character.isLetterOrDigit(e)) {
                        literal = false; // \s, \d, \p{..} inside a class
                        if (e == 'p' || e == 'P' || e == 'x') {
                            throw new Unsupported();
                        }
                        continue;
                    }
                    c = e;
                }
                if (Character.isSurrogate(c)) {
                    throw new Unsupported();
                }
                if (at + 1 < re.length() && re.charAt(at) == '-' && re.charAt(at + 1) != ']') {
                    literal = false; // a range
                    at++;
                    char end = re.charAt(at++);
                    if (end == '\\') {
                        if (at >= re.length()) {
                            throw new Unsupported();
                        }
                        at++;
                    }
                    continue;
                }
                chars.add(String.valueOf(c));
            }
            if (at >= re.length()) {
                throw new Unsupported();
            }
            at++; // ']'
            return literal && !chars.isEmpty() && chars.size() <= 16 ? Info.exactly(chars) : Info.UNKNOWN;
        }
    }
}
