package dev.bastion.guard.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * python-stdnum's doctest files read as test vectors for check-digit validators: lists of numbers asserted all
 * valid or all invalid, {@code validate(...)} followed by a result or an exception, {@code is_valid(...)} followed
 * by True or False, and (Spanish NIF only) {@code check(...)} lines with a "# valid" comment. This class is
 * stateless and thread-safe.
 */
public final class StdnumDoctests {
    private StdnumDoctests() {
    }

    /**
     * One test vector.
     *
     * @param number the number as written in the doctest
     * @param valid what stdnum says of it
     */
    public record Case(String number, boolean valid) {
        public Case {
            Objects.requireNonNull(number, "number");
        }
    }

    /**
     * How far a validator agrees with the vectors.
     *
     * @param agree vectors on which it gives stdnum's answer
     * @param cases vectors in all
     * @param disagreements up to five vectors it answers differently, as "valid N" or "invalid N"
     */
    public record Agreement(int agree, int cases, List<String> disagreements) {
        public Agreement {
            if (agree < 0 || agree > cases) {
                throw new IllegalArgumentException("agreement needs 0 <= agree <= cases");
            }
            disagreements = List.copyOf(disagreements);
        }
    }

    /** How {@code validator} (given the number's letters and digits, upper-cased) agrees with {@code cases}. */
    public static Agreement agreement(Predicate<String> validator, List<Case> cases) {
        int agree = 0;
        List<String> disagreements = new ArrayList<>();
        for (Case c : cases) {
            if (validator.test(clean(c.number())) == c.valid()) {
                agree++;
            } else if (disagreements.size() < 5) {
                disagreements.add((c.valid() ? "valid " : "invalid ") + c.number());
            }
        }
        return new Agreement(agree, cases.size(), disagreements);
    }

    /** The number's letters and digits, upper-cased (separators and spaces dropped). */
    static String clean(String n) {
        StringBuilder b = new StringBuilder();
        for (char c : n.toCharArray()) {
            if (Character.isLetterOrDigit(c)) {
                b.append(Character.toUpperCase(c));
            }
        }
        return b.toString();
    }

    /**
     * The vectors of one doctest file.
     *
     * @param nifComments whether to also read {@code check('...')  # valid} lines (test_es_nif.doctest)
     */
    public static List<Case> parse(List<String> lines, boolean nifComments) {
        List<Case> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.startsWith(">>> numbers = '''")) {
                List<String> block = new ArrayList<>();
                int j = i + 1;
                while (j < lines.size() && !lines.get(j).strip().startsWith("... '''")) {
                    String v = lines.get(j).strip();
                    if (v.startsWith("... ")) {
                        v = v.substring(4).strip();
                    } else if (v.equals("...")) {
                        v = "";
                    }
                    if (!v.isEmpty()) {
                        block.add(v);
                    }
                    j++;
                }
                String check = j + 1 < lines.size() ? lines.get(j + 1) : "";
                if (check.contains("if x and not ")) {
                    block.forEach(n -> out.add(new Case(n, true)));
                } else if (check.contains("if x and ")) {
                    block.forEach(n -> out.add(new Case(n, false)));
                }
                i = j;
            } else if (l.startsWith(">>> ") && l.contains(".validate('") && !l.contains(",")) {
                String n = l.substring(l.indexOf("('") + 2, l.indexOf("')"));
                String next = i + 1 < lines.size() ? lines.get(i + 1).strip() : "";
                out.add(new Case(n, !next.startsWith("Traceback")));
            } else if (l.startsWith(">>> ") && l.contains(".is_valid('") && !l.contains(",")) {
                String n = l.substring(l.indexOf("('") + 2, l.indexOf("')"));
                String next = i + 1 < lines.size() ? lines.get(i + 1).strip() : "";
                if (next.equals("True") || next.equals("False")) {
                    out.add(new Case(n, next.equals("True")));
                }
            } else if (nifComments && l.startsWith(">>> check('") && (l.contains("DNI") || l.contains("NIE"))
                    && !l.contains("not classified")) {
                String n = l.substring(l.indexOf("('") + 2, l.indexOf("')"));
                out.add(new Case(n, l.contains("# valid")));
            }
        }
        return out;
    }
}
