package dev.bastion.spark;

import dev.bastion.guard.pii.PiiMode;
import dev.bastion.guard.pii.PiiScanner;
import dev.bastion.guard.pii.Recognizer;
import dev.bastion.guard.pseudonym.Operator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The single-node reference: the loop of {@code bastion redact} (app's PiiCommands), one text at a time in one
 * thread, with the same scanner and operator and nothing of the Spark module.
 */
final class SingleNode {
    final Map<String, Long> counts = new TreeMap<>();
    /** "TYPE\0value" of every distinct value found. */
    final Set<String> distinct = new java.util.HashSet<>();
    /** Each replacement handed out, with the value it replaced. */
    final Map<String, String> replaced = new java.util.HashMap<>();
    private final PiiScanner scanner;
    private final Operator operator;

    SingleNode(PiiMode mode, Operator operator) {
        this.scanner = PiiScanner.defaults(mode);
        this.operator = operator;
    }

    String redact(String line) {
        if (line == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(line.length());
        int pos = 0;
        for (Recognizer.Candidate c : scanner.find(line)) {
            String value = line.substring(c.start(), c.end());
            String replacement = operator.apply(c.type(), value);
            b.append(line, pos, c.start()).append(replacement);
            replaced.put(replacement, value);
            pos = c.end();
            counts.merge(c.type(), 1L, Long::sum);
            distinct.add(c.type() + '\u0000' + value);
        }
        return b.append(line, pos, line.length()).toString();
    }
}
