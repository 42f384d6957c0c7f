package dev.bastion.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.pipeline.TrafficListener;
import dev.bastion.store.keys.Role;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The live-traffic fan-out: bounded buffers that drop the oldest, filters and what each viewer may see. */
class LiveTrafficTest {
    static final Viewer OPERATOR = new Viewer("key_0000000000000001", Role.AUDITOR, "default", "csrf");
    static final Viewer ACME = new Viewer("key_0000000000000002", Role.ADMIN, "acme", "csrf");
    static final LiveTraffic.Filter ALL = new LiveTraffic.Filter(Optional.empty(), Optional.empty(), Optional.empty());

    static TrafficListener.Event event(long index, String tenant, String model, String decision) {
        return new TrafficListener.Event(index, Instant.parse("2026-12-01T00:00:00Z"), "req_" + index,
                Optional.of("key_00000000000000aa"), "label", Optional.of(tenant), "/v1/chat/completions",
                Optional.of(model), Optional.of("local"), Optional.of(decision), 200, 1500, 3, 4);
    }

    @Test
    void aSlowSubscriberKeepsTheNewestEventsAndIsToldHowManyWereDropped() throws Exception {
        LiveTraffic traffic = new LiveTraffic();
        try (LiveTraffic.Subscriber slow = traffic.subscribe(OPERATOR, ALL).orElseThrow()) {
            int sent = LiveTraffic.BUFFER + 40;
            for (int i = 0; i < sent; i++) {
                traffic.recorded(event(i, "acme", "m", "allow"));
            }
            LiveTraffic.Batch batch = slow.take(Duration.ZERO);
            assertThat(batch.dropped()).isEqualTo(40);
            assertThat(batch.events()).hasSize(LiveTraffic.BUFFER);
            assertThat(batch.events().getFirst().index()).isEqualTo(40);
            assertThat(batch.events().getLast().index()).isEqualTo(sent - 1);
            LiveTraffic.Batch next = slow.take(Duration.ZERO);
            assertThat(next.events()).isEmpty();
            assertThat(next.dropped()).isZero();
        }
    }

    @Test
    void aTenantBoundViewerGetsOnlyItsTenantsEventsWhateverItsFilterSays() throws Exception {
        LiveTraffic traffic = new LiveTraffic();
        try (LiveTraffic.Subscriber acme = traffic.subscribe(ACME, ALL).orElseThrow();
                LiveTraffic.Subscriber operator = traffic.subscribe(OPERATOR, ALL).orElseThrow()) {
            traffic.recorded(event(1, "acme", "m", "allow"));
            traffic.recorded(event(2, "globex", "m", "allow"));
            assertThat(acme.take(Duration.ZERO).events()).extracting(TrafficListener.Event::index).containsExactly(1L);
            assertThat(operator.take(Duration.ZERO).events()).extracting(TrafficListener.Event::index).containsExactly(1L, 2L);
        }
    }

    @Test
    void filtersOnTenantModelAndDecisionKeepOnlyMatchingEvents() throws Exception {
        LiveTraffic traffic = new LiveTraffic();
        LiveTraffic.Filter blockedOnC = new LiveTraffic.Filter(Optional.of("acme"), Optional.of("c"), Optional.of("block"));
        try (LiveTraffic.Subscriber s = traffic.subscribe(OPERATOR, blockedOnC).orElseThrow()) {
            traffic.recorded(event(1, "acme", "c", "block"));
            traffic.recorded(event(2, "acme", "m", "block"));
            traffic.recorded(event(3, "acme", "c", "allow"));
            traffic.recorded(event(4, "globex", "c", "block"));
            assertThat(s.take(Duration.ZERO).events()).extracting(TrafficListener.Event::index).containsExactly(1L);
        }
    }

    @Test
    void aClosedSubscriberNoLongerReceivesAndStreamsAreCapped() {
        LiveTraffic traffic = new LiveTraffic();
        LiveTraffic.Subscriber first = traffic.subscribe(OPERATOR, ALL).orElseThrow();
        for (int i = 1; i < LiveTraffic.MAX_SUBSCRIBERS; i++) {
            assertThat(traffic.subscribe(OPERATOR, ALL)).isPresent();
        }
        assertThat(traffic.subscribe(OPERATOR, ALL)).isEmpty();
        first.close();
        assertThat(traffic.subscribers()).isEqualTo(LiveTraffic.MAX_SUBSCRIBERS - 1);
        assertThat(traffic.subscribe(OPERATOR, ALL)).isPresent();
    }

    @Test
    void takeWaitsForAnEventThatArrivesMeanwhile() throws Exception {
        LiveTraffic traffic = new LiveTraffic();
        try (LiveTraffic.Subscriber s = traffic.subscribe(OPERATOR, ALL).orElseThrow()) {
            Thread.ofVirtual().start(() -> traffic.recorded(event(7, "acme", "m", "allow")));
            assertThat(s.take(Duration.ofSeconds(10)).events()).extracting(TrafficListener.Event::index).containsExactly(7L);
        }
    }
}
