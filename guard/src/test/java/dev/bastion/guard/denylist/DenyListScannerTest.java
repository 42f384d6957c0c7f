package dev.bastion.guard.denylist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.guard.Finding;
import java.util.List;
import org.junit.jupiter.api.Test;

class DenyListScannerTest {
    @Test
    void findsEveryPatternCaseInsensitivelyWithSpans() {
        DenyListScanner scanner = DenyListScanner.of(List.of("project zeus", "acme-[0-9]+"));
        List<Finding> found = scanner.scan(List.of("about Project ZEUS and ACME-42", "nothing"));
        assertThat(found).extracting(Finding::segment, Finding::start, Finding::end).containsExactly(
                org.assertj.core.groups.Tuple.tuple(0, 6, 18), org.assertj.core.groups.Tuple.tuple(0, 23, 30));
        assertThat(found).allMatch(f -> f.type().equals("DENY_LIST"));
    }

    @Test
    void emptyListFindsNothing() {
        assertThat(DenyListScanner.of(List.of()).scan(List.of("anything"))).isEmpty();
    }

    @Test
    void invalidPatternNamesItsIndexButNotItsText() {
        assertThatThrownBy(() -> DenyListScanner.of(List.of("ok", "secret-(unclosed")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("#2")
                .hasMessageNotContaining("secret-(unclosed");
    }

    @Test
    void pathologicalInputRunsInLinearTime() {
        // A pattern that backtracking engines take exponential time on; RE2 is linear.
        DenyListScanner scanner = DenyListScanner.of(List.of("(a+)+$b"));
        String input = "a".repeat(1_000_000) + "!";
        long start = System.nanoTime();
        assertThat(scanner.scan(List.of(input))).isEmpty();
        assertThat(System.nanoTime() - start).isLessThan(10_000_000_000L);
    }
}
