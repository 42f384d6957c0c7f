package dev.bastion.gateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.config.RouteSettings;
import dev.bastion.gateway.metrics.GatewayMetrics;
import dev.bastion.guard.Action;
import dev.bastion.guard.Finding;
import dev.bastion.guard.Policy;
import dev.bastion.guard.Scanner;
import dev.bastion.guard.Verdict;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InputGuardTest {
    private static final RouteSettings SETTINGS = new RouteSettings("r", List.of("*"), false, List.of(), List.of(),
            Map.of(), Action.ALLOW, Optional.empty(), List.of());

    private static Scanner scanner(String id, java.util.function.Function<List<String>, List<Finding>> body) {
        return new Scanner() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public List<Finding> scan(List<String> segments) {
                return body.apply(segments);
            }
        };
    }

    @Test
    void aScannerThatFailsRefusesTheRequestWithoutItsMessage() {
        Scanner broken = scanner("broken", s -> {
            throw new IllegalStateException("scanner exploded on " + s.getFirst());
        });
        CompiledRoute route = new CompiledRoute(SETTINGS, List.of(broken), List.of(), new Policy(Map.of(), Action.ALLOW));
        GatewayMetrics metrics = new GatewayMetrics();
        ScannerRunner.Failed failed = org.assertj.core.api.Assertions.catchThrowableOfType(ScannerRunner.Failed.class,
                () -> new InputGuard(metrics).check(route, List.of("secret prompt")));
        assertThat(failed.error().status()).isEqualTo(500);
        assertThat(failed.error().code()).isEqualTo("scanner_failed");
        assertThat(failed.error().message()).contains("broken").doesNotContain("secret prompt");
        assertThat(failed.getMessage()).doesNotContain("secret prompt");
        assertThat(metrics.scrape()).contains("bastion_scanner_duration_seconds_count{scanner=\"broken\"} 1");
    }

    @Test
    void findingsAreCountedAndTheVerdictComesFromTheRoutePolicy() {
        Scanner finds = scanner("finds", s -> List.of(new Finding("EMAIL_ADDRESS", 0, 0, 3, 0.9, "finds")));
        CompiledRoute route = new CompiledRoute(SETTINGS, List.of(finds), List.of(),
                new Policy(Map.of("EMAIL_ADDRESS", Action.REDACT), Action.ALLOW));
        GatewayMetrics metrics = new GatewayMetrics();
        InputGuard.Decision d = new InputGuard(metrics).check(route, List.of("a@b c"));
        assertThat(d.decision()).isEqualTo("transform");
        assertThat(d.controls()).extracting(AuditRecord.Control::name).containsExactly("finds", "policy");
        assertThat(d.controls().getFirst().findings()).containsEntry("EMAIL_ADDRESS", 1);
        assertThat(d.verdict()).isInstanceOf(Verdict.Transform.class);
        assertThat(d.refusal(route)).isEmpty();
        assertThat(metrics.scrape()).contains("bastion_findings_total{scanner=\"finds\",type=\"EMAIL_ADDRESS\"} 1");
    }

    @Test
    void unknownScannerInARouteIsAStartupErrorNamingTheRoute() {
        RouteSettings bad = new RouteSettings("strict", List.of("*"), false, List.of("face-recognition"), List.of(), Map.of(),
                Action.ALLOW, Optional.empty(), List.of());
        try {
            CompiledRoute.compileAll(List.of(bad), new dev.bastion.gateway.config.GuardSettings(10, 100, 16));
            throw new AssertionError("expected an error");
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).contains("routes[strict].input-scanners").contains("unknown scanner 'face-recognition'");
        }
    }
}
