package dev.bastion.inference;

import java.util.List;

/**
 * Holds back streamed text that might be the start of a stop sequence, so the client never sees a stop text or a
 * part of one. Not thread-safe.
 */
final class StopMatcher {
    private final List<String> stops;
    private final StringBuilder pending = new StringBuilder();
    private boolean stopped;

    StopMatcher(List<String> stops) {
        this.stops = List.copyOf(stops);
    }

    /** Adds decoded text; returns what can be released now. */
    String push(String text) {
        if (stopped) {
            return "";
        }
        pending.append(text);
        int cut = -1;
        for (String s : stops) {
            int at = pending.indexOf(s);
            if (at >= 0 && (cut < 0 || at < cut)) {
                cut = at;
            }
        }
        if (cut >= 0) {
            stopped = true;
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
        return stopped;
    }

    /** The held-back text at the end of a generation that did not stop on a stop sequence. */
    String flush() {
        String out = stopped ? "" : pending.toString();
        pending.setLength(0);
        return out;
    }
}
