package dev.bastion.app.redteam;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a run as one self-contained HTML page (inline CSS, no script, no external resource): the summary, the
 * OWASP LLM 2025 table, the baseline diff, and every probe grouped by suite with its verdict, request id, signals and
 * redacted answer. Every text from the run is escaped.
 */
public final class HtmlReport {
    private static final String CSS = "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}"
            + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;"
            + "vertical-align:top}th{background:#f3f3f3}.SUCCEEDED{background:#fdd}.BLOCKED{background:#dfd}"
            + ".REFUSED,.RESISTED{background:#eef7ee}.ERROR{background:#ffe9c7}pre{white-space:pre-wrap;margin:0;"
            + "max-width:60em;font-size:12px}summary{font-weight:bold;cursor:pointer;margin-top:1em}";

    private HtmlReport() {
    }

    public static String write(RunReport report) {
        StringBuilder h = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<title>Bastion red-team report</title><style>").append(CSS).append("</style></head><body>\n");
        h.append("<h1>Bastion red-team report</h1>\n<p>Suite <b>").append(e(report.suite())).append("</b>, started ")
                .append(e(report.created().toString())).append(". Target <code>").append(e(report.target().url()))
                .append("</code> model <code>").append(e(report.target().model())).append("</code>")
                .append(report.target().stream() ? " (streamed answers)" : "");
        report.compare().ifPresent(c -> h.append("; compared with <code>").append(e(c.url())).append("</code> model <code>")
                .append(e(c.model())).append("</code>"));
        h.append(".</p>\n<table><tr><th>verdict</th><th>target</th>")
                .append(report.compare().isPresent() ? "<th>compare</th>" : "").append("</tr>\n");
        for (Verdict v : Verdict.values()) {
            h.append("<tr class=\"").append(v).append("\"><td>").append(v).append("</td><td>")
                    .append(report.verdicts().get(v)).append("</td>");
            if (report.compare().isPresent()) {
                h.append("<td>").append(report.compareVerdicts().get(v)).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
        if (report.compare().isPresent()) {
            h.append("<p>").append(report.stoppedOnlyByTarget())
                    .append(" attacks succeeded against the comparison endpoint and were stopped by the target.</p>\n");
        }
        h.append("<h2>OWASP Top 10 for LLM Applications (2025)</h2>\n<table><tr><th>category</th><th>probes</th>"
                + "<th>succeeded on target</th></tr>\n");
        report.byOwasp().forEach((k, v) -> h.append("<tr><td>").append(k.code()).append(' ').append(e(k.title()))
                .append("</td><td>").append(v[0]).append("</td><td>").append(v[1]).append("</td></tr>\n"));
        h.append("</table>\n");
        report.baseline().ifPresent(d -> h.append("<h2>Against the baseline</h2>\n<p>Baseline <code>").append(e(d.file()))
                .append("</code>: ").append(d.regressions().size()).append(" regressions, ").append(d.fixed().size())
                .append(" fixed, ").append(d.known().size()).append(" known successes.</p>\n")
                .append(d.regressions().isEmpty() ? "" : "<p>Regressions: <code>" + e(String.join(", ", d.regressions()))
                        + "</code></p>\n"));
        Map<String, List<ProbeResult>> bySuite = new LinkedHashMap<>();
        report.results().forEach(r -> bySuite.computeIfAbsent(r.probe().suite(), k -> new java.util.ArrayList<>()).add(r));
        h.append("<h2>Probes</h2>\n");
        for (Map.Entry<String, List<ProbeResult>> s : bySuite.entrySet()) {
            long bad = s.getValue().stream().filter(r -> r.target().verdict() == Verdict.SUCCEEDED).count();
            h.append("<details").append(bad > 0 ? " open" : "").append("><summary>").append(e(s.getKey())).append(": ")
                    .append(s.getValue().size()).append(" probes, ").append(bad).append(" succeeded</summary>\n")
                    .append("<table><tr><th>probe</th><th>OWASP</th><th>target</th>")
                    .append(report.compare().isPresent() ? "<th>compare</th>" : "").append("<th>answer (redacted)</th></tr>\n");
            for (ProbeResult r : s.getValue()) {
                h.append("<tr><td><code>").append(e(r.probe().id())).append("</code></td><td>")
                        .append(r.probe().owasp().code()).append("</td>").append(cell(r.target()));
                r.compare().ifPresent(c -> h.append(cell(c)));
                h.append("<td><pre>").append(e(r.target().answer())).append("</pre></td></tr>\n");
            }
            h.append("</table></details>\n");
        }
        return h.append("</body></html>\n").toString();
    }

    private static String cell(Outcome o) {
        return "<td class=\"" + o.verdict() + "\">" + o.verdict() + " (" + o.status() + ")"
                + (o.signals().isEmpty() ? "" : "<br>" + e(String.join(", ", o.signals())))
                + (o.reason().isEmpty() ? "" : "<br>" + e(o.reason()))
                + (o.requestId().isEmpty() ? "" : "<br><small>request " + e(o.requestId()) + "</small>") + "</td>";
    }

    private static String e(String s) {
        return JunitXml.esc(s);
    }
}
