package dev.bastion.guard.denylist;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.bastion.guard.Finding;
import dev.bastion.guard.Scanner;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds configured terms or patterns (RE2 syntax, linear time) in requests and answers; for example internal
 * project code names that must not reach a cloud model, or strings an answer must never contain.
 *
 * <p>Every match is a {@code DENY_LIST} finding. Matching is case-insensitive. This class is immutable and
 * thread-safe.
 */
public final class DenyListScanner implements Scanner {
    public static final String ID = "deny-list";
    public static final String TYPE = "DENY_LIST";

    private final Pattern pattern;
    private final int longestLiteral;

    private DenyListScanner(Pattern pattern, int longestLiteral) {
        this.pattern = pattern;
        this.longestLiteral = longestLiteral;
    }

    /**
     * @param patterns RE2 patterns; a pattern's text is never echoed in errors beyond its index
     * @throws IllegalArgumentException naming the index of a pattern that does not compile
     */
    public static DenyListScanner of(List<String> patterns) {
        if (patterns.isEmpty()) {
            return new DenyListScanner(null, 0);
        }
        StringBuilder alternation = new StringBuilder();
        int longest = 0;
        for (int i = 0; i < patterns.size(); i++) {
            String p = patterns.get(i);
            try {
                Pattern.compile(p);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("deny-list pattern #" + (i + 1) + " is not valid RE2 syntax: "
                        + e.getDescription(), e);
            }
            if (i > 0) {
                alternation.append('|');
            }
            alternation.append("(?:").append(p).append(')');
            longest = Math.max(longest, p.length());
        }
        return new DenyListScanner(Pattern.compile(alternation.toString(), Pattern.CASE_INSENSITIVE), longest);
    }

    /** A rough upper bound of the length of a match, used to size stream hold-back windows. */
    public int longestPatternLength() {
        return longestLiteral;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public List<Finding> scan(List<String> segments) {
        if (pattern == null) {
            return List.of();
        }
        List<Finding> findings = new ArrayList<>();
        for (int s = 0; s < segments.size(); s++) {
            Matcher m = pattern.matcher(segments.get(s));
            while (m.find()) {
                if (m.end() > m.start()) {
                    findings.add(new Finding(TYPE, s, m.start(), m.end(), 1.0, ID));
                }
            }
        }
        return findings;
    }
}
