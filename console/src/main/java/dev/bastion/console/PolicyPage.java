package dev.bastion.console;

import dev.bastion.gateway.config.ConfigPrinter;
import dev.bastion.gateway.pipeline.AuditTrail;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The policy in force: each route's settings and the defaults every route shares (guard and limits), each value
 * with where it came from (default, config file and line, environment variable or flag), as {@code bastion config
 * print} shows them. Secrets appear only as references there, and this page shows nothing else. The settings are
 * read-only; a {@link DryRun} shows what a route would decide for pasted text.
 */
final class PolicyPage {
    private final Html html;
    private final List<Views.PolicyGroup> groups;
    private final DryRun dryRun;
    private final AuditTrail trail;

    PolicyPage(Html html, List<ConfigPrinter.Setting> settings, DryRun dryRun, AuditTrail trail) {
        this.html = html;
        this.groups = group(settings);
        this.dryRun = dryRun;
        this.trail = trail;
    }

    private static List<Views.PolicyGroup> group(List<ConfigPrinter.Setting> settings) {
        Map<String, String> routeNames = new LinkedHashMap<>();
        settings.stream().filter(s -> s.key().matches("routes\\[\\d+]\\.name"))
                .forEach(s -> routeNames.put(s.key().substring(0, s.key().indexOf(']') + 1), s.value()));
        Map<String, List<Views.PolicyRow>> byGroup = new LinkedHashMap<>();
        routeNames.forEach((prefix, name) -> byGroup.put("Route " + name, new ArrayList<>()));
        byGroup.put("Defaults for every route", new ArrayList<>());
        for (ConfigPrinter.Setting s : settings) {
            if (s.key().startsWith("routes[")) {
                String prefix = s.key().substring(0, s.key().indexOf(']') + 1);
                byGroup.get("Route " + routeNames.get(prefix)).add(new Views.PolicyRow(
                        s.key().substring(prefix.length() + 1), s.value(), s.origin()));
            } else if (s.key().startsWith("guard.") || s.key().startsWith("limits.")) {
                byGroup.get("Defaults for every route").add(new Views.PolicyRow(s.key(), s.value(), s.origin()));
            }
        }
        List<Views.PolicyGroup> out = new ArrayList<>();
        byGroup.forEach((title, rows) -> out.add(new Views.PolicyGroup(title, rows)));
        return List.copyOf(out);
    }

    void show(WebCall call, Viewer viewer) {
        render(call, viewer, 200, Optional.empty());
    }

    /** {@code POST /policy/dry-run}: the decision for pasted text; the text is not stored, logged or shown back. */
    void dryRun(WebCall call, Viewer viewer) {
        String route = call.field("route").orElse("");
        Optional<Views.DryRunResult> result = dryRun.run(route, call.form().getOrDefault("text", ""));
        if (result.isEmpty()) {
            render(call, viewer, 404, Optional.empty());
            return;
        }
        trail.admin(null, viewer.keyId(), "console.dry_run", route);
        render(call, viewer, 200, result);
    }

    private void render(WebCall call, Viewer viewer, int status, Optional<Views.DryRunResult> result) {
        call.html(status, html.render("policy.jte", new Views.Policy(new Views.Chrome("Policy", "policy",
                Optional.of(viewer)), groups, dryRun.routeNames(), result)));
    }
}
