package dev.bastion.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * An assessment as one HTML file: the verdict, a table of metrics and each curve as inline SVG (log-log for ROC
 * curves). No script, no style sheet or image from anywhere else, no network request; every text is escaped.
 */
final class AssessmentHtml {
    private AssessmentHtml() {
    }

    static String render(JsonNode a, String title) {
        StringBuilder h = new StringBuilder();
        h.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
                        + "'unsafe-inline'\">")
                .append("<title>").append(esc(title)).append("</title><style>body{font:14px system-ui,sans-serif;"
                        + "margin:2em;max-width:60em}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
                        + "padding:.2em .5em;text-align:left}.fail{color:#a00}.pass{color:#070}</style></head><body>\n");
        String result = a.path("verdict").path("result").asText();
        h.append("<h1>").append(esc(title)).append("</h1>\n<p>Verdict: <strong class=\"").append(esc(result))
                .append("\">").append(esc(result)).append("</strong>; data sha256 <code>")
                .append(esc(a.path("data").path("sha256").asText())).append("</code>, ")
                .append(a.path("data").path("rows").asInt()).append(" rows; created ")
                .append(esc(a.path("created").asText())).append("</p>\n");
        h.append("<h2>Rules</h2>\n<table><tr><th>rule</th><th>broken</th><th>value</th><th>why</th></tr>\n");
        for (JsonNode r : a.path("verdict").path("rules")) {
            h.append("<tr><td>").append(esc(r.path("rule").asText())).append("</td><td>")
                    .append(r.path("broken").asBoolean()).append("</td><td>").append(num(r.path("value")))
                    .append("</td><td>").append(esc(r.path("why").asText())).append("</td></tr>\n");
        }
        h.append("</table>\n<h2>Metrics</h2>\n<table><tr><th>name</th><th>attack</th><th>slice</th><th>at</th>"
                + "<th>value</th><th>95% interval</th></tr>\n");
        for (JsonNode m : a.path("metrics")) {
            h.append("<tr><td>").append(esc(m.path("name").asText())).append("</td><td>")
                    .append(esc(m.path("attack").asText(""))).append("</td><td>")
                    .append(esc(m.path("slice").asText(""))).append("</td><td>").append(num(m.path("at")))
                    .append("</td><td>").append(num(m.path("value"))).append("</td><td>");
            if (m.has("ci")) {
                h.append(num(m.path("ci").get(0))).append(" - ").append(num(m.path("ci").get(1)));
            }
            h.append("</td></tr>\n");
        }
        h.append("</table>\n");
        for (JsonNode c : a.path("curves")) {
            h.append("<h2>").append(esc(c.path("name").asText())).append(' ')
                    .append(esc(c.path("attack").asText(""))).append(' ').append(esc(c.path("slice").asText("")))
                    .append("</h2>\n").append(svg(c, c.path("name").asText().equals("roc")));
        }
        return h.append("</body></html>\n").toString();
    }

    /** A 320x320 plot; log-log axes from 1e-4 to 1 when {@code log}. */
    static String svg(JsonNode curve, boolean log) {
        StringBuilder path = new StringBuilder();
        JsonNode xs = curve.path("x");
        JsonNode ys = curve.path("y");
        for (int i = 0; i < xs.size(); i++) {
            double x = scale(xs.get(i).asDouble(), log);
            double y = scale(ys.get(i).asDouble(), log);
            path.append(i == 0 ? "M" : "L").append(String.format(Locale.ROOT, "%.1f,%.1f", 40 + 260 * x,
                    300 - 260 * y));
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"320\" height=\"320\" role=\"img\">"
                + "<rect x=\"40\" y=\"40\" width=\"260\" height=\"260\" fill=\"none\" stroke=\"#999\"/>"
                + "<path d=\"M40,300L300,40\" stroke=\"#ccc\" stroke-dasharray=\"4\"/>"
                + "<path d=\"" + path + "\" fill=\"none\" stroke=\"#05a\" stroke-width=\"2\"/>"
                + "<text x=\"40\" y=\"318\" font-size=\"11\">" + (log ? "FPR 1e-4 .. 1 (log)" : "x") + "</text>"
                + "<text x=\"2\" y=\"34\" font-size=\"11\">" + (log ? "TPR (log)" : "y") + "</text></svg>\n";
    }

    private static double scale(double v, boolean log) {
        if (!log) {
            return Math.max(0, Math.min(1, v));
        }
        double clamped = Math.max(1e-4, Math.min(1, v));
        return (Math.log10(clamped) + 4) / 4;
    }

    private static String num(JsonNode n) {
        return n == null || !n.isNumber() ? "" : String.format(Locale.ROOT, "%.4g", n.asDouble());
    }

    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
