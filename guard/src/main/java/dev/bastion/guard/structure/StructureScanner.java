package dev.bastion.guard.structure;

import dev.bastion.guard.Finding;
import dev.bastion.guard.Scanner;
import java.util.ArrayList;
import java.util.List;

/**
 * Built-in structural checks that every request passes: message count and size limits, control characters and
 * unpaired UTF-16 surrogates (which JSON escapes such as {@code \ud800} can smuggle in).
 *
 * <p>Finding types: {@code TOO_MANY_MESSAGES} and {@code MESSAGE_TOO_LARGE} (no span: they concern the request),
 * {@code CONTROL_CHARACTER} (each run of C0/C1 controls other than tab, line feed and carriage return, and DEL),
 * {@code INVALID_UNICODE} (each unpaired surrogate). Runs in one linear pass. This class is immutable and
 * thread-safe.
 */
public final class StructureScanner implements Scanner {
    public static final String ID = "structure";

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
                    i++;
                } else {
                    findings.add(new Finding("INVALID_UNICODE", segment, i, i + 1, 1.0, ID));
                }
            } else if (Character.isLowSurrogate(c)) {
                findings.add(new Finding("INVALID_UNICODE", segment, i, i + 1, 1.0, ID));
            }
        }
        if (runStart >= 0) {
            findings.add(new Finding("CONTROL_CHARACTER", segment, runStart, text.length(), 1.0, ID));
        }
    }

    static boolean isForbiddenControl(char c) {
        if (c == '\t' || c == '\n' || c == '\r') {
            return false;
        }
        return c < 0x20 || (c >= 0x7f && c <= 0x9f);
    }
}
