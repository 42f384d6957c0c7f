package dev.bastion.guard;

import java.util.List;
import java.util.OptionalInt;

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

    /**
     * For text that is still arriving (a streamed answer): the index before which this scanner's findings are
     * settled, whatever text follows. A stream may release the text before it once it has been scanned with the rest;
     * text from it on may still turn out to be part of a finding. Empty when the scanner cannot tell, and the stream
     * then holds back a fixed window.
     *
     * @param text everything seen so far (or its recent part), ending where the stream has got to
     */
    default OptionalInt settledBefore(String text) {
        return OptionalInt.empty();
    }

    /**
     * Where the last word of {@code text} begins (its length when it ends in whitespace): text that is still
     * arriving may continue that word, so a scanner whose findings are words settles nothing from there on.
     */
    static int lastWordStart(String text) {
        int start = text.length();
        while (start > 0 && !Character.isWhitespace(text.charAt(start - 1))) {
            start--;
        }
        return start;
    }
}
