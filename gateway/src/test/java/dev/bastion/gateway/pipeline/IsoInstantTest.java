package dev.bastion.gateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** The audit record's time is written exactly as {@link Instant#toString()} writes it, for every instant. */
class IsoInstantTest {
    @Property(tries = 20_000)
    void anyInstantOfYearsZeroTo9999IsWrittenAsInstantToStringWritesIt(
            @ForAll @LongRange(min = -62_167_219_200L, max = 253_402_300_799L) long seconds,
            @ForAll @IntRange(min = 0, max = 999_999_999) int nano) {
        Instant t = Instant.ofEpochSecond(seconds, nano);
        assertThat(IsoInstant.format(t)).isEqualTo(t.toString());
    }

    @Property(tries = 5_000)
    void fractionsOfWholeMillisAndMicrosAreWrittenInGroupsOfThree(
            @ForAll @LongRange(min = 0, max = 4_102_444_800L) long seconds, @ForAll @IntRange(min = 0, max = 999) int part) {
        for (int nano : new int[] {part * 1_000_000, part * 1000, part}) {
            Instant t = Instant.ofEpochSecond(seconds, nano);
            assertThat(IsoInstant.format(t)).isEqualTo(t.toString());
        }
    }

    @Test
    void edgesOfTheRangeLeapDaysAndInstantsOutsideItMatchInstantToString() {
        List<Instant> edges = List.of(Instant.EPOCH, Instant.ofEpochSecond(-1), Instant.ofEpochSecond(-1, 999_999_999),
                Instant.parse("0000-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59.999999999Z"),
                Instant.ofEpochSecond(253_402_300_800L), Instant.ofEpochSecond(-62_167_219_201L, 5), Instant.MIN, Instant.MAX,
                Instant.parse("2000-02-29T12:00:00.5Z"), Instant.parse("1900-03-01T00:00:00Z"),
                Instant.parse("2100-02-28T23:59:59.000001Z"), Instant.parse("2026-12-07T10:00:00.123456Z"),
                Instant.parse("2024-12-31T23:59:59.000000001Z"));
        for (Instant t : edges) {
            assertThat(IsoInstant.format(t)).as(t.toString()).isEqualTo(t.toString());
        }
        assertThat(IsoInstant.format(Instant.parse("2026-12-07T10:00:00.120Z"))).isEqualTo("2026-12-07T10:00:00.120Z");
    }
}
