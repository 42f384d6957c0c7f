package dev.bastion.console;

import dev.bastion.gateway.pipeline.CompiledRoute;
import dev.bastion.guard.Finding;
import dev.bastion.guard.Scanner;
import dev.bastion.guard.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A dry run of a route's input policy on pasted text: the route's input scanners, as the pipeline compiled them,
 * over the text as one user message, then the route's policy. The text lives only in this call's memory; what
 * comes back names finding types, scanners, scores and offsets, never the text or a matched value. Limits,
 * routing and output scanners are not part of it.
 */
final class DryRun {
    private final List<CompiledRoute> routes;

    DryRun(List<CompiledRoute> routes) {
        this.routes = List.copyOf(routes);
    }

    List<String> routeNames() {
        return routes.stream().map(CompiledRoute::name).toList();
    }

    /** The decision for {@code text} on route {@code routeName}; empty when there is no such route. */
    Optional<Views.DryRunResult> run(String routeName, String text) {
        Optional<CompiledRoute> route = routes.stream().filter(r -> r.name().equals(routeName)).findFirst();
        if (route.isEmpty()) {
            return Optional.empty();
        }
        List<Finding> findings = new ArrayList<>();
        for (Scanner s : route.get().inputScanners()) {
            try {
                findings.addAll(s.scan(List.of(text), List.of("user")));
            } catch (RuntimeException e) {
                return Optional.of(new Views.DryRunResult(routeName, "refused", "scanner " + s.id()
                        + " failed, and a failing scanner refuses the request (fail closed)", List.of()));
            }
        }
        Verdict verdict = route.get().policy().decide(findings);
        List<Views.FindingRow> rows = findings.stream().map(f -> new Views.FindingRow(f.type(), f.scanner(),
                String.format(Locale.ROOT, "%.2f", f.score()), f.start(), f.end())).toList();
        return Optional.of(switch (verdict) {
            case Verdict.Allow a -> new Views.DryRunResult(routeName, "allow", "sent on unchanged", rows);
            case Verdict.Block b -> new Views.DryRunResult(routeName, "block", b.reason(), rows);
            case Verdict.Transform t -> new Views.DryRunResult(routeName, "transform", t.redact().size() + " redacted, "
                    + t.pseudonymise().size() + " pseudonymised, " + t.pseudonymiseIfCloud().size()
                    + " pseudonymised if the model is in the cloud" + (t.forceLocal() ? ", kept on a local model" : ""),
                    rows);
        });
    }
}
