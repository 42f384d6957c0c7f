package dev.bastion.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RewriteOperatorsTest {
    @Test
    void redactReplacesSpansOfItsSegmentOnly() {
        List<Finding> findings = List.of(new Finding("EMAIL_ADDRESS", 0, 5, 18, 1, "t"), new Finding("X", 1, 0, 2, 1, "t"));
        assertThat(Redactor.redact("mail a@example.org now", 0, findings)).isEqualTo("mail [EMAIL_ADDRESS] now");
        assertThat(Redactor.redact("ab", 1, findings)).isEqualTo("[X]");
    }

    @Test
    void overlappingSpansKeepTheEarliestLongest() {
        List<Finding> findings = List.of(new Finding("B", 0, 2, 6, 1, "t"), new Finding("A", 0, 0, 4, 1, "t"));
        assertThat(Redactor.redact("0123456789", 0, findings)).isEqualTo("[A]456789");
    }

    @Test
    void pseudonymsAreConsistentAndRestoreRoundTrips() {
        Pseudonymizer p = new Pseudonymizer();
        String text = "Alice met Bob and Alice";
        List<Finding> f = List.of(new Finding("PERSON", 0, 0, 5, 1, "t"), new Finding("PERSON", 0, 10, 13, 1, "t"),
                new Finding("PERSON", 0, 18, 23, 1, "t"));
        String pseudonymised = p.pseudonymise(text, 0, f);
        assertThat(pseudonymised).isEqualTo("<PERSON_1> met <PERSON_2> and <PERSON_1>");
        assertThat(p.restore("Hi <PERSON_2>, said <PERSON_1>.")).isEqualTo("Hi Bob, said Alice.");
        assertThat(p.longestSurrogate()).isEqualTo("<PERSON_1>".length());
    }

    @Test
    void findingRejectsBadSpansAndTypes() {
        assertThatThrownBy(() -> new Finding("X", 0, 5, 4, 1, "t")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Finding("lower", 0, 0, 1, 1, "t")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Finding("X", 0, 0, 1, 1.5, "t")).isInstanceOf(IllegalArgumentException.class);
    }
}
