package dev.bastion.gateway.cluster.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class SeenSequencesTest {

    @Property(tries = 300)
    void itAgreesWithASetOfEveryPairSeenWhateverTheOrder(
            @ForAll @Size(max = 300) List<@IntRange(min = 0, max = 2) Integer> senders,
            @ForAll @Size(max = 300) List<@IntRange(min = 0, max = 60) Integer> sequences) {
        SeenSequences seen = new SeenSequences();
        Set<String> reference = new HashSet<>();
        for (int i = 0; i < Math.min(senders.size(), sequences.size()); i++) {
            String sender = "node-" + senders.get(i);
            long sequence = sequences.get(i);
            assertThat(seen.add(sender, sequence)).isEqualTo(reference.add(sender + "#" + sequence));
        }
    }

    @Test
    void aDenseRunOfSequencesIsHeldAsOneRangeHoweverItArrived() {
        SeenSequences seen = new SeenSequences();
        for (long s : List.of(5L, 3L, 4L, 0L, 2L, 1L, 9L, 7L, 8L, 6L)) {
            assertThat(seen.add("a/log", s)).isTrue();
        }
        assertThat(seen.ranges()).isEqualTo(1);
        assertThat(seen.add("a/log", 4)).as("a duplicate").isFalse();
        assertThat(seen.add("b/log", 4)).as("another sender's sequence 4").isTrue();
        assertThat(seen.add("a/log", 20)).isTrue();
        assertThat(seen.ranges()).as("a gap makes a range of its own").isEqualTo(3);
    }

    @Test
    void aNegativeSequenceIsABug() {
        assertThatThrownBy(() -> new SeenSequences().add("a/log", -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
