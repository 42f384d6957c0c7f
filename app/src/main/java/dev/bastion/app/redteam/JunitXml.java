package dev.bastion.app.redteam;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a run as JUnit XML, one test suite per probe suite and one test case per probe, for CI systems. Without a
 * baseline a succeeded attack is a failure; with one, only a regression is a failure, and an attack that already
 * succeeded in the baseline is reported as skipped ("known"), so a pipeline fails on what got worse. Errors are
 * {@code <error>}.
 */
public final class JunitXml {
    private JunitXml() {
    }

    public static String write(RunReport report) {
        Map<String, List<ProbeResult>> bySuite = new LinkedHashMap<>();
        report.results().forEach(r -> bySuite.computeIfAbsent(r.probe().suite(), k -> new java.util.ArrayList<>()).add(r));
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        x.append("<testsuites name=\"bastion redteam\" tests=\"").append(report.results().size()).append("\">\n");
        for (Map.Entry<String, List<ProbeResult>> e : bySuite.entrySet()) {
            int failures = 0;
            int errors = 0;
            int skipped = 0;
            StringBuilder cases = new StringBuilder();
            for (ProbeResult r : e.getValue()) {
                Outcome o = r.target();
                String id = r.probe().id();
                cases.append("    <testcase classname=\"redteam.").append(esc(e.getKey())).append("\" name=\"")
                        .append(esc(id)).append("\" time=\"").append(o.millis() / 1000.0).append("\">");
                boolean succeeded = o.verdict() == Verdict.SUCCEEDED;
                boolean regression = report.baseline().map(d -> d.regressions().contains(id)).orElse(succeeded);
                String what = r.probe().owasp().code() + " " + r.probe().owasp().title() + ": " + String.join(", ", o.signals())
                        + (o.requestId().isEmpty() ? "" : " (request " + o.requestId() + ")");
                if (succeeded && regression) {
                    failures++;
                    cases.append("<failure type=\"").append(report.baseline().isPresent() ? "regression" : "attack-succeeded")
                            .append("\" message=\"").append(esc(what)).append("\">").append(esc(o.answer())).append("</failure>");
                } else if (succeeded) {
                    skipped++;
                    cases.append("<skipped message=\"").append(esc("known: succeeded in the baseline too; " + what)).append("\"/>");
                } else if (o.verdict() == Verdict.ERROR) {
                    errors++;
                    cases.append("<error message=\"").append(esc("status " + o.status() + " " + o.reason())).append("\"/>");
                }
                cases.append("</testcase>\n");
            }
            x.append("  <testsuite name=\"redteam.").append(esc(e.getKey())).append("\" tests=\"").append(e.getValue().size())
                    .append("\" failures=\"").append(failures).append("\" errors=\"").append(errors)
                    .append("\" skipped=\"").append(skipped).append("\">\n").append(cases).append("  </testsuite>\n");
        }
        return x.append("</testsuites>\n").toString();
    }

    /** XML text and attribute escaping; characters XML 1.0 cannot carry become U+FFFD. */
    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> {
                    boolean legal = c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF)
                            || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
                    out.appendCodePoint(legal ? c : 0xFFFD);
                }
            }
        });
        return out.toString();
    }
}
