package dev.bastion.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/** A self-contained HTML page of a {@code bastion synth eval} result: the JSON's sections as tables. */
final class SynthReport {
    private SynthReport() {
    }

    static String html(JsonNode result) {
        StringBuilder b = new StringBuilder("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Synthetic data "
                + "evaluation</title><style>body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-"
                + "collapse:collapse;margin-bottom:1.5em}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:"
                + "left}</style></head><body>\n<h1>Synthetic data evaluation</h1>\n");
        for (Iterator<Map.Entry<String, JsonNode>> it = result.properties().iterator(); it.hasNext();) {
            Map.Entry<String, JsonNode> section = it.next();
            JsonNode v = section.getValue();
            if (v.isObject()) {
                b.append("<h2>").append(escape(section.getKey())).append("</h2>\n").append(table(v));
            } else if (v.isArray()) {
                b.append("<h2>").append(escape(section.getKey())).append("</h2>\n");
                for (JsonNode item : v) {
                    b.append(table(item));
                }
            } else {
                b.append("<p>").append(escape(section.getKey())).append(": ").append(escape(v.asText()))
                        .append("</p>\n");
            }
        }
        return b.append("</body></html>\n").toString();
    }

    private static String table(JsonNode o) {
        StringBuilder b = new StringBuilder("<table>\n");
        for (Map.Entry<String, JsonNode> e : o.properties()) {
            b.append("<tr><th>").append(escape(e.getKey())).append("</th><td>").append(escape(e.getValue().asText()))
                    .append("</td></tr>\n");
        }
        return b.append("</table>\n").toString();
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
