package dev.bastion.inference;

import java.util.List;
import java.util.Optional;

/**
 * Holds back streamed text that might be the start of a stop sequence, so the client never sees a stop text or a
 * part of one. Not thread-safe.
 */
final class StopMatcher {
    private final List<String> stops;
    private final StringBuilder pending = new StringBuilder();
    private String matched;

    StopMatcher(List<String> stops) {
        this.stops = List.copyOf(stops);
    }

    /** Adds decoded text; returns what can be released now. */
    String push(String text) {
        if (matched != null) {
            return "";
        }
        pending.append(text);
        int cut = -1;
        String hit = null;
        for (String s : stops) {
            int at = pending.indexOf(s);
            // the earliest start wins; at the same start the shorter one, which was complete first
            if (at >= 0 && (cut < 0 || at < cut || at == cut && s.length() < hit.length())) {
                cut = at;
                hit = s;
            }
        }
        if (cut >= 0) {
            matched = hit;
            String out = pending.substring(0, cut);
            pending.setLength(0);
            return out;
        }
        int hold = 0;
        String now = pending.toString();
        for (String s : stops) {
            for (int k = Math.min(s.length() - 1, now.length()); k > hold; k--) {
                if (now.regionMatches(now.length() - k, s, 0, k)) {
                    hold = k;
                    break;
                }
            }
        }
        String out = pending.substring(0, pending.length() - hold);
        pending.delete(0, pending.length() - hold);
        return out;
    }

    /** Whether a stop sequence was seen. */
    boolean stopped() {
        return matched != null;
    }

    /** The stop sequence that ended the text, once one did. */
    Optional<String> matched() {
        return Optional.ofNullable(matched);
    }

    /** The held-back text at the end of a generation that did not stop on a stop sequence. */
    String flush() {
        String out = matched != null ? "" : pending.toString();
        pending.setLength(0);
        return out;
    }
}
