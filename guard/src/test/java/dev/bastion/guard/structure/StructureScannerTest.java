package dev.bastion.guard.structure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.guard.Finding;
import java.util.List;
import org.junit.jupiter.api.Test;

class StructureScannerTest {
    private final StructureScanner scanner = new StructureScanner(3, 20);

    @Test
    void ordinaryTextWithTabsAndNewlinesHasNoFindings() {
        assertThat(scanner.scan(List.of("hello\tworld\r\n", "ünïcödé 😀 ok"))).isEmpty();
    }

    @Test
    void runOfControlCharactersIsOneFindingWithItsSpan() {
        List<Finding> findings = scanner.scan(List.of("ab\u0000\u0001cd\u007f"));
        assertThat(findings).extracting(Finding::type, Finding::start, Finding::end)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("CONTROL_CHARACTER", 2, 4),
                        org.assertj.core.groups.Tuple.tuple("CONTROL_CHARACTER", 6, 7));
    }

    @Test
    void c1ControlsAreFoundButNonBreakingSpaceIsNot() {
        assertThat(scanner.scan(List.of("a\u0085b"))).hasSize(1);
        assertThat(scanner.scan(List.of("a\u00a0b"))).isEmpty();
    }

    @Test
    void unpairedSurrogatesAreInvalidUnicodeButPairsAreFine() {
        assertThat(scanner.scan(List.of("x\ud800y"))).extracting(Finding::type).containsExactly("INVALID_UNICODE");
        assertThat(scanner.scan(List.of("x\udc00"))).extracting(Finding::type).containsExactly("INVALID_UNICODE");
        assertThat(scanner.scan(List.of("x\ud83d\ude00"))).isEmpty();
    }

    @Test
    void tooManyMessagesAndTooLargeMessageAreWholeRequestFindings() {
        List<Finding> findings = scanner.scan(List.of("a", "b", "c", "d".repeat(21)));
        assertThat(findings).extracting(Finding::type).containsExactly("TOO_MANY_MESSAGES", "MESSAGE_TOO_LARGE");
        assertThat(findings).allMatch(f -> !f.hasSpan());
        assertThat(findings.get(1).segment()).isEqualTo(3);
    }

    @Test
    void exactlyAtTheLimitsPasses() {
        assertThat(scanner.scan(List.of("a", "b", "c".repeat(20)))).isEmpty();
    }
}
