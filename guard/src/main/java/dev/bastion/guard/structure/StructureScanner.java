package dev.bastion.guard.structure;

import dev.bastion.guard.Finding;
import dev.bastion.guard.Scanner;
import java.util.ArrayList;
import java.util.List;

/**
 * Built-in structural checks that every request passes: message count and size limits, control characters,
 * unpaired UTF-16 surrogates (which JSON escapes such as {@code \ud800} can smuggle in) and Unicode tag characters.
 *
 * <p>Finding types: {@code TOO_MANY_MESSAGES} and {@code MESSAGE_TOO_LARGE} (no span: they concern the request),
 * {@code CONTROL_CHARACTER} (each run of C0/C1 controls other than tab, line feed and carriage return, and DEL),
 * {@code INVALID_UNICODE} (each unpaired surrogate), {@value #TAG_CHARACTER} (each run of tag characters,
 * U+E0000..U+E007F, outside an emoji flag sequence). Runs in one linear pass. This class is immutable and
 * thread-safe.
 *
 * <p>Why tag characters are refused rather than stripped: they mirror printable ASCII (U+E0041 is a tag "A"), are
 * drawn by no renderer, and are read by many models, so a sentence of them is an instruction the user and any
 * reviewer cannot see. Their one legitimate use is the emoji subdivision flag ({@link #isFlagTagSequence}), which is
 * let through. Stripping would pass the request on silently altered; a refusal with its own reason code tells the
 * client what to fix and leaves a decision record, and text that carries them is almost never typed by a person.
 */
public final class StructureScanner implements Scanner {
    public static final String ID = "structure";
    /** Finding type of a run of Unicode tag characters outside an emoji flag sequence. */
    public static final String TAG_CHARACTER = "TAG_CHARACTER";

    /** The black flag, the one base emoji that takes a tag sequence (UTS #51, emoji_tag_sequence). */
    private static final int FLAG_BASE = 0x1F3F4;
    private static final int CANCEL_TAG = 0xE007F;
    /** Subdivision codes are ISO 3166-2: a two-letter country and at most three more letters or digits. */
    private static final int MAX_FLAG_TAGS = 6;

    private final int maxSegments;
    private final int maxSegmentChars;

    /**
     * @param maxSegments most messages one request may have
     * @param maxSegmentChars most UTF-16 characters one message may have
     */
    public StructureScanner(int maxSegments, int maxSegmentChars) {
        if (maxSegments < 1 || maxSegmentChars < 1) {
            throw new IllegalArgumentException("limits must be positive: " + maxSegments + ", " + maxSegmentChars);
        }
        this.maxSegments = maxSegments;
        this.maxSegmentChars = maxSegmentChars;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public List<Finding> scan(List<String> segments) {
        List<Finding> findings = new ArrayList<>();
        if (segments.size() > maxSegments) {
            findings.add(new Finding("TOO_MANY_MESSAGES", 0, 0, 0, 1.0, ID));
        }
        for (int s = 0; s < segments.size(); s++) {
            String text = segments.get(s);
            if (text.length() > maxSegmentChars) {
                findings.add(new Finding("MESSAGE_TOO_LARGE", s, 0, 0, 1.0, ID));
                continue;
            }
            scanCharacters(s, text, findings);
        }
        return findings;
    }

    private static void scanCharacters(int segment, String text, List<Finding> findings) {
        int runStart = -1;
        int tagStart = -1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isForbiddenControl(c)) {
                if (runStart < 0) {
                    runStart = i;
                }
                continue;
            }
            if (runStart >= 0) {
                findings.add(new Finding("CONTROL_CHARACTER", segment, runStart, i, 1.0, ID));
                runStart = -1;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, text.charAt(i + 1));
                    if (cp == FLAG_BASE) {
                        int end = flagTagSequenceEnd(text, i + 2);
                        if (end > i + 2) {
                            closeTagRun(segment, tagStart, i, findings);
                            tagStart = -1;
                            i = end - 1;
                            continue;
                        }
                    }
                    if (isTag(cp)) {
                        if (tagStart < 0) {
                            tagStart = i;
                        }
                    } else {
                        closeTagRun(segment, tagStart, i, findings);
                        tagStart = -1;
                    }
                    i++;
                    continue;
                }
                findings.add(new Finding("INVALID_UNICODE", segment, i, i + 1, 1.0, ID));
            } else if (Character.isLowSurrogate(c)) {
                findings.add(new Finding("INVALID_UNICODE", segment, i, i + 1, 1.0, ID));
            }
            closeTagRun(segment, tagStart, i, findings);
            tagStart = -1;
        }
        if (runStart >= 0) {
            findings.add(new Finding("CONTROL_CHARACTER", segment, runStart, text.length(), 1.0, ID));
        }
        closeTagRun(segment, tagStart, text.length(), findings);
    }

    private static void closeTagRun(int segment, int start, int end, List<Finding> findings) {
        if (start >= 0) {
            findings.add(new Finding(TAG_CHARACTER, segment, start, end, 1.0, ID));
        }
    }

    static boolean isTag(int codePoint) {
        return codePoint >= 0xE0000 && codePoint <= 0xE007F;
    }

    /**
     * Whether {@code text} holds an emoji flag tag sequence after a black flag that ends just before {@code from}:
     * the tag spec (tag digits U+E0030..E0039 and tag small letters U+E0061..E007A, 2 to {@value #MAX_FLAG_TAGS}
     * of them) then the cancel tag U+E007F. Returns the index after the cancel tag, or {@code from} when there is no
     * such sequence (the tags are then judged as ordinary tag characters).
     */
    static int flagTagSequenceEnd(String text, int from) {
        int i = from;
        int tags = 0;
        while (i + 1 < text.length() && tags <= MAX_FLAG_TAGS) {
            int cp = text.codePointAt(i);
            if (cp == CANCEL_TAG) {
                return tags >= 2 ? i + 2 : from;
            }
            if (!((cp >= 0xE0030 && cp <= 0xE0039) || (cp >= 0xE0061 && cp <= 0xE007A))) {
                return from;
            }
            tags++;
            i += 2;
        }
        return from;
    }

    /** Whether {@code text} at {@code at} starts a black flag followed by a valid subdivision tag sequence. */
    static boolean isFlagTagSequence(String text, int at) {
        return at + 1 < text.length() && text.codePointAt(at) == FLAG_BASE && flagTagSequenceEnd(text, at + 2) > at + 2;
    }

    static boolean isForbiddenControl(char c) {
        if (c == '\t' || c == '\n' || c == '\r') {
            return false;
        }
        return c < 0x20 || (c >= 0x7f && c <= 0x9f);
    }
}
