package dev.bastion.guard.secrets;

import dev.bastion.guard.Scanner;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a streamed text's secret findings are settled: the index before which no later text can add or change one.
 *
 * <p>Most rules report one token without whitespace (a vendor key, a password value): its finding is settled once
 * a whitespace character ends it, provided the scan that decides it still sees the text before it (the keyword,
 * {@code password =}), which the caller keeps as context. So the unfinished last token is held. Rules whose
 * reported span crosses whitespace (a private key block, a {@code .netrc} entry) say how far after one of their
 * keywords a match may still be unfinished ({@link SecretRule#streamHold}); while such a keyword, or the start of
 * one, lies within that distance of the end, the text is held from the start of the keyword's line. A generic test
 * streams every rule's examples cut at every point and checks the result equals scanning them whole.
 */
final class StreamHorizon {
    /** How far before its keyword a spanning match may start (a key block's header: {@code -----BEGIN RSA }). */
    private static final int BEFORE_KEYWORD = 128;

    private record Spanning(List<String> keywords, int hold) {
    }

    private final List<Spanning> spanning = new ArrayList<>();
    private final int longestKeyword;

    StreamHorizon(List<SecretRule> rules) {
        int longest = 0;
        for (SecretRule r : rules) {
            if (r.streamHold() > 0) {
                spanning.add(new Spanning(r.keywords(), r.streamHold()));
                for (String k : r.keywords()) {
                    longest = Math.max(longest, k.length());
                }
            }
        }
        this.longestKeyword = longest;
    }

    int settledBefore(String text) {
        int end = text.length();
        int settled = Scanner.lastWordStart(text); // the last token may still grow
        if (spanning.isEmpty()) {
            return settled;
        }
        String lower = SecretsScanner.asciiLower(text);
        for (Spanning rule : spanning) {
            int from = Math.max(0, end - rule.hold());
            for (String keyword : rule.keywords()) {
                int at = lower.indexOf(keyword, from);
                if (at >= 0) {
                    settled = Math.min(settled, lineStart(text, at));
                }
            }
        }
        // A keyword cut by the end of the text ("private " before "key") holds as if it were whole.
        for (int at = Math.max(0, end - longestKeyword + 1); at < end && at < settled; at++) {
            if (startsAKeyword(lower, at)) {
                settled = lineStart(text, at);
                break;
            }
        }
        return settled;
    }

    private boolean startsAKeyword(String lower, int at) {
        int left = lower.length() - at;
        for (Spanning rule : spanning) {
            for (String keyword : rule.keywords()) {
                if (opensAValue(keyword)) {
                    continue;
                }
                if (keyword.length() > left && keyword.startsWith(lower.substring(at))) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether a keyword ends by opening a quoted value ({@code if "}, {@code name="}): what such a rule reports starts
     * after the keyword, so a cut one ({@code if }, {@code name=}) holds nothing a finding could cover, and the whole
     * keyword, once it arrives with the value, holds the line as any keyword does. Holding on the cut ones held
     * ordinary prose at every chunk that ended in "for " or "and ", so how an answer was cut into events depended on
     * its words (the padded stream's event sizes told answers apart: SideChannelTest).
     */
    private static boolean opensAValue(String keyword) {
        char last = keyword.charAt(keyword.length() - 1);
        return last == '"' || last == '\'';
    }

    private static int lineStart(String text, int at) {
        int floor = Math.max(0, at - BEFORE_KEYWORD);
        int i = at;
        while (i > floor && text.charAt(i - 1) != '\n') {
            i--;
        }
        return i;
    }
}
