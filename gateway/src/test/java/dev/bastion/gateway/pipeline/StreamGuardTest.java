package dev.bastion.gateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.config.GuardSettings;
import dev.bastion.gateway.config.RouteSettings;
import dev.bastion.gateway.metrics.GatewayMetrics;
import dev.bastion.guard.Action;
import dev.bastion.guard.Pseudonymizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class StreamGuardTest {
    private static final String TERM = "project zeus";

    private static CompiledRoute route(Action action) {
        RouteSettings settings = new RouteSettings("r", List.of("*"), false, List.of(), List.of("deny-list"),
                Map.of("DENY_LIST", action), Action.ALLOW, Optional.empty(), List.of(TERM));
        return CompiledRoute.compile(settings, new GuardSettings(10, 1000, 16));
    }

    /** Splits text at the given cut points (taken modulo its length). */
    private static List<String> split(String text, List<Integer> cuts) {
        List<Integer> points = new ArrayList<>();
        for (int c : cuts) {
            points.add(text.isEmpty() ? 0 : Math.floorMod(c, text.length()));
        }
        points.add(0);
        points.add(text.length());
        List<Integer> sorted = points.stream().distinct().sorted().toList();
        List<String> chunks = new ArrayList<>();
        for (int i = 0; i + 1 < sorted.size(); i++) {
            chunks.add(text.substring(sorted.get(i), sorted.get(i + 1)));
        }
        return chunks;
    }

    @Property(tries = 300)
    void aBlockedTermSplitAcrossAnyChunksNeverReachesTheClient(
            @ForAll @StringLength(max = 60) String before, @ForAll @StringLength(max = 60) String after,
            @ForAll @Size(max = 8) List<@IntRange(min = 0, max = 200) Integer> cuts) {
        String text = before.replace('z', 'y').replace('Z', 'Y') + "Project ZEUS" + after;
        StreamGuard guard = new StreamGuard(route(Action.BLOCK), new Pseudonymizer(), new GatewayMetrics(), 16);
        StringBuilder released = new StringBuilder();
        StreamGuard.Released.Blocked blocked = null;
        for (String chunk : split(text, cuts)) {
            StreamGuard.Released r = guard.append(chunk);
            if (r instanceof StreamGuard.Released.Blocked b) {
                blocked = b;
                break;
            }
            released.append(text(r));
        }
        if (blocked == null && guard.flush() instanceof StreamGuard.Released.Blocked b) {
            blocked = b;
        }
        assertThat(blocked).isNotNull();
        assertThat(blocked.error().code()).isEqualTo("output_blocked");
        assertThat(released.toString().toLowerCase(Locale.ROOT)).doesNotContain("zeus");
    }

    @Property(tries = 300)
    void cleanTextPassesThroughUnchangedWhateverTheChunking(@ForAll @StringLength(max = 200) String text,
            @ForAll @Size(max = 10) List<@IntRange(min = 0, max = 300) Integer> cuts) {
        String clean = text.toLowerCase(Locale.ROOT).replace("zeus", "z-e-u-s");
        StreamGuard guard = new StreamGuard(route(Action.BLOCK), new Pseudonymizer(), new GatewayMetrics(), 16);
        StringBuilder released = new StringBuilder();
        for (String chunk : split(clean, cuts)) {
            released.append(text(guard.append(chunk)));
        }
        released.append(text(guard.flush()));
        assertThat(released.toString()).isEqualTo(clean);
    }

    @Test
    void redactActionRewritesTheSpanInsteadOfEndingTheStream() {
        StreamGuard guard = new StreamGuard(route(Action.REDACT), new Pseudonymizer(), new GatewayMetrics(), 16);
        String out = text(guard.append("the code is Proj")) + text(guard.append("ect Zeus, ok")) + text(guard.flush());
        assertThat(out).isEqualTo("the code is [DENY_LIST], ok");
    }

    @Property(tries = 300)
    void pseudonymsStreamedThroughTheGuardComeBackWhateverTheChunkingAndWindow(
            @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 0, max = 3) Integer> which,
            @ForAll @Size(max = 10) List<@IntRange(min = 0, max = 300) Integer> cuts,
            @ForAll @IntRange(min = 0, max = 40) int window, @ForAll boolean realistic) {
        List<String> values = List.of("Alice Martin", "alice@corp.example", "+44 20 7946 0958", "4111 1111 1111 1111");
        List<String> types = List.of("PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD");
        Pseudonymizer p = new Pseudonymizer(new dev.bastion.guard.pseudonym.PseudonymTable(),
                dev.bastion.guard.pseudonym.Surrogates.of(realistic ? dev.bastion.guard.pseudonym.Style.REALISTIC
                        : dev.bastion.guard.pseudonym.Style.TAG), s -> false);
        StringBuilder original = new StringBuilder("Answer: ");
        StringBuilder answer = new StringBuilder("Answer: ");
        for (int i : which) {
            original.append(values.get(i)).append(", and ");
            answer.append(p.surrogate(types.get(i), values.get(i))).append(", and ");
        }
        StreamGuard guard = new StreamGuard(route(Action.BLOCK), p, new GatewayMetrics(), window);
        StringBuilder released = new StringBuilder();
        for (String chunk : split(answer.toString(), cuts)) {
            released.append(text(guard.append(chunk)));
        }
        released.append(text(guard.flush()));
        assertThat(released.toString()).isEqualTo(original.toString());
    }

    @Test
    void pseudonymSplitAcrossChunksIsRestoredWhole() {
        Pseudonymizer p = new Pseudonymizer();
        String surrogate = p.surrogate("PERSON", "Alice Martin");
        StreamGuard guard = new StreamGuard(route(Action.BLOCK), p, new GatewayMetrics(), surrogate.length());
        String half = surrogate.substring(0, 4);
        String out = text(guard.append("Dear " + half)) + text(guard.append(surrogate.substring(4) + ", thanks"))
                + text(guard.flush());
        assertThat(out).isEqualTo("Dear Alice Martin, thanks");
    }

    /** A scanner that reports one finding of type X, with a span over the first three characters or without one. */
    private static dev.bastion.guard.Scanner fixed(boolean span) {
        return new dev.bastion.guard.Scanner() {
            @Override
            public String id() {
                return "fixed";
            }

            @Override
            public List<dev.bastion.guard.Finding> scan(List<String> segments) {
                return List.of(new dev.bastion.guard.Finding("X", 0, 0, span ? 3 : 0, 0.9, "fixed"));
            }
        };
    }

    @Property(tries = 50)
    void theOutputDecisionIsTheInputDecisionForTheSameFindingAndAction(@ForAll Action action, @ForAll boolean span) {
        dev.bastion.guard.Policy policy = new dev.bastion.guard.Policy(Map.of("X", action), Action.ALLOW);
        RouteSettings settings = new RouteSettings("r", List.of("*"), false, List.of(), List.of("fixed"),
                Map.of("X", action), Action.ALLOW, Optional.empty(), List.of());
        CompiledRoute route = new CompiledRoute(settings, List.of(), List.of(fixed(span)), policy);
        boolean inputBlocks = policy.decide(fixed(span).scan(List.of("abcdef"))) instanceof dev.bastion.guard.Verdict.Block;
        OutputGuard.Result result = OutputGuard.check(route, List.of("abcdef"), new GatewayMetrics(), v -> false,
                Optional.empty());
        boolean outputBlocks = result instanceof OutputGuard.Result.Blocked;
        List<String> out = result instanceof OutputGuard.Result.Pass p ? p.texts() : List.of();
        if (result instanceof OutputGuard.Result.Blocked b) {
            assertThat(b.error().code()).isEqualTo("output_blocked");
        }
        assertThat(outputBlocks).as("blocks on output as on input").isEqualTo(inputBlocks);
        if (!outputBlocks) {
            boolean rewrites = span && (action == Action.REDACT || action == Action.PSEUDONYMISE);
            assertThat(out).containsExactly(rewrites ? "[X]def" : "abcdef");
        }
    }

    /** The text a guard released; a block where text was expected fails the test. */
    private static String text(StreamGuard.Released released) {
        return switch (released) {
            case StreamGuard.Released.Text t -> t.text();
            case StreamGuard.Released.Blocked b -> throw new AssertionError("unexpected block: " + b.error().code());
        };
    }
}
