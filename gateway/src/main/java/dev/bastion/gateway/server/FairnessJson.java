package dev.bastion.gateway.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.Json;
import dev.bastion.privacy.fairness.monitor.Alert;
import dev.bastion.privacy.fairness.monitor.MonitorSettings;
import dev.bastion.privacy.fairness.monitor.MonitorStatus;
import dev.bastion.privacy.fairness.monitor.WindowMetric;

/** The JSON of fairness alerts and monitor status; undefined rates (no trials yet) are {@code null}. */
final class FairnessJson {
    private FairnessJson() {
    }

    static ObjectNode alert(Alert a) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("monitor", a.monitor());
        o.put("group", a.group());
        o.put("metric", a.metric().configName());
        o.put("window", a.window());
        o.put("value", a.value());
        o.put("baseline", a.baseline());
        o.putArray("ci").add(a.low()).add(a.high());
        o.put("bound", a.bound());
        return o;
    }

    static ObjectNode status(MonitorStatus s) {
        MonitorSettings cfg = s.settings();
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("monitor", cfg.name());
        ArrayNode attributes = o.putArray("attributes");
        cfg.attributes().forEach(attributes::add);
        o.put("window_size", cfg.windowSize());
        o.put("baseline_windows", cfg.baselineWindows());
        o.put("bound", cfg.bound());
        o.put("false_alert_rate", cfg.falseAlertRate());
        o.put("decisions", s.decisions());
        o.put("resolved", s.resolved());
        o.put("pending", s.pending());
        o.put("expired", s.expired());
        o.put("orphans", s.orphans());
        o.put("duplicates", s.duplicates());
        o.put("alerts_raised", s.alertsRaised());
        ArrayNode groups = o.putArray("groups");
        for (MonitorStatus.Group g : s.groups()) {
            ObjectNode row = groups.addObject();
            row.put("group", g.group());
            row.put("closed_windows", g.closedWindows());
            row.put("baseline_ready", g.baselineReady());
            row.put("filling", g.filling());
            ObjectNode metrics = row.putObject("metrics");
            for (WindowMetric m : cfg.metrics()) {
                MonitorStatus.Metric v = g.metrics().get(m);
                ObjectNode mo = metrics.putObject(m.configName());
                number(mo, "last_window", v.value());
                ArrayNode ci = mo.putArray("ci");
                number(ci, v.low());
                number(ci, v.high());
                number(mo, "baseline", v.baseline());
            }
        }
        ArrayNode recent = o.putArray("recent_alerts");
        s.recentAlerts().forEach(a -> recent.add(alert(a)));
        return o;
    }

    private static void number(ObjectNode o, String field, double v) {
        if (Double.isNaN(v)) {
            o.putNull(field);
        } else {
            o.put(field, v);
        }
    }

    private static void number(ArrayNode a, double v) {
        if (Double.isNaN(v)) {
            a.addNull();
        } else {
            a.add(v);
        }
    }
}
