package dev.bastion.app.report;

import dev.bastion.crypto.SigningKey;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A report as CommonMark text: a heading per section, one bullet per statement with its sources in brackets, the
 * items the operator must complete as task-list lines, every source listed once at the end, the audit checkpoint in
 * a fenced block ({@code bastion-audit-checkpoint}), and last the signature line. Signed bytes: everything before
 * the signature line.
 */
public final class MarkdownReport {
    /** The info string of the fenced block that holds the checkpoint text. */
    static final String CHECKPOINT_FENCE = "```bastion-audit-checkpoint\n";

    private MarkdownReport() {
    }

    /** The text before the signature line (what is signed). */
    public static String body(Report r) {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(escape(r.kind().title())).append("\n\n");
        md.append("Made by ").append(escape(r.version())).append(" (`bastion report ").append(r.kind().id())
                .append("`) at ").append(r.coverage().generated()).append(" from the gateway's configuration and "
                        + "signed audit log; no prompt or answer text was read. Each statement names its source.\n\n");
        for (Section s : r.sections()) {
            md.append("## ").append(escape(s.title())).append("\n\n");
            for (Statement st : s.statements()) {
                md.append("- ").append(escape(st.text())).append(" *[").append(sources(st.sources())).append("]*\n");
            }
            if (!s.statements().isEmpty()) {
                md.append('\n');
            }
            if (!s.toComplete().isEmpty()) {
                md.append("To complete by the operator:\n\n");
                s.toComplete().forEach(t -> md.append("- [ ] ").append(escape(t)).append('\n'));
                md.append('\n');
            }
        }
        md.append("## Sources\n\n");
        List<Source> all = r.sources();
        for (int i = 0; i < all.size(); i++) {
            md.append(i + 1).append(". ").append(all.get(i).kind().label()).append(" `").append(all.get(i).ref())
                    .append("`\n");
        }
        md.append("\n## Audit checkpoint\n\nThe records counted are those under this checkpoint; check it with "
                + "`bastion audit verify-report` on this file.\n\n");
        md.append(CHECKPOINT_FENCE).append(r.coverage().checkpoint().strip()).append("\n```\n\n");
        return md.toString();
    }

    /** The whole file: the body and its signature line. */
    public static String signed(Report r, SigningKey key) {
        String body = body(r);
        return body + ReportSignature.sign(body.getBytes(StandardCharsets.UTF_8), key).markdownLine();
    }

    private static String sources(List<Source> sources) {
        StringBuilder out = new StringBuilder();
        for (Source s : sources) {
            out.append(out.isEmpty() ? "" : "; ").append(s.kind().label()).append(" `").append(s.ref()).append('`');
        }
        return out.toString();
    }

    /** Backslash-escapes the characters CommonMark would read as markup inside a line of text. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (char c : text.toCharArray()) {
            if ("\\`*_[]<>#|!".indexOf(c) >= 0) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    /**
     * Splits a signed file into its body and signature line.
     *
     * @throws IllegalArgumentException when the file does not end with a signature line
     */
    static String[] split(String file) {
        String trimmed = file.endsWith("\n") ? file.substring(0, file.length() - 1) : file;
        int at = trimmed.lastIndexOf('\n') + 1;
        String last = trimmed.substring(at);
        if (!last.startsWith(ReportSignature.MARKDOWN_TAG.strip())) {
            throw new IllegalArgumentException("the file does not end with a bastion-report-signature/v1 line");
        }
        return new String[] {file.substring(0, at), last};
    }

    /** The checkpoint text in a report body, from its fenced block. */
    static String checkpoint(String body) {
        int start = body.lastIndexOf(CHECKPOINT_FENCE);
        int end = start < 0 ? -1 : body.indexOf("\n```", start + CHECKPOINT_FENCE.length());
        if (end < 0) {
            throw new IllegalArgumentException("the report has no bastion-audit-checkpoint block");
        }
        return body.substring(start + CHECKPOINT_FENCE.length(), end) + "\n";
    }
}
