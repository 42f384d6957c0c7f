package dev.bastion.guard;

import java.util.List;

/**
 * Finds things in text. A scanner only finds: a {@link Policy} decides what a finding means, and operators such as
 * {@link Redactor} rewrite.
 *
 * <p>Implementations must be thread-safe, must run in time linear in the input (regexes through RE2/J), and must
 * never put the scanned text into exception messages or logs. An exception thrown by a scanner refuses the request
 * (fail closed).
 */
public interface Scanner {
    /** Stable identifier used in config, metrics and audit records, for example {@code structure}. */
    String id();

    /**
     * Scans the texts of one request or response.
     *
     * @param segments the texts in order (for chat requests, one per message); never null
     * @return the findings, each with its segment index; empty when nothing was found
     */
    List<Finding> scan(List<String> segments);

    /**
     * Scans with each segment's role ({@code system}, {@code user}, {@code assistant}, {@code tool}, ...), for
     * scanners that judge content differently by where it came from. By default roles are ignored.
     *
     * @param roles one per segment, same order
     */
    default List<Finding> scan(List<String> segments, List<String> roles) {
        return scan(segments);
    }
}
