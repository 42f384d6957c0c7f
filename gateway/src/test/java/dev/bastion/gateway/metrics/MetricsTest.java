package dev.bastion.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MetricsTest {
    private static final Pattern LINE = Pattern.compile(
            "# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*|# TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|histogram)"
                    + "|[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*\\})? -?[0-9.eE+-]+|.*\\+Inf.*");

    @Test
    void exposition0_0_4IsValidLineByLineAndHistogramBucketsAreCumulative() {
        Metrics m = new Metrics();
        Metrics.Histogram h = m.histogram("lat_seconds", "Latency.", new double[] {0.001, 0.01, 0.1}, "stage");
        h.observe(0.0005, "a");
        h.observe(0.005, "a");
        h.observe(0.05, "a");
        h.observe(5, "a");
        m.counter("hits_total", "Hits.", "path").inc("/x");
        String text = m.scrape();
        for (String line : text.split("\n")) {
            assertThat(line).matches(LINE);
        }
        assertThat(text).contains("lat_seconds_bucket{stage=\"a\",le=\"0.001\"} 1")
                .contains("lat_seconds_bucket{stage=\"a\",le=\"0.01\"} 2")
                .contains("lat_seconds_bucket{stage=\"a\",le=\"0.1\"} 3")
                .contains("lat_seconds_bucket{stage=\"a\",le=\"+Inf\"} 4")
                .contains("lat_seconds_count{stage=\"a\"} 4")
                .contains("hits_total{path=\"/x\"} 1");
    }

    @Test
    void labelValuesAreEscaped() {
        Metrics m = new Metrics();
        m.counter("c_total", "C.", "v").inc("a\"b\\c\nd");
        assertThat(m.scrape()).contains("c_total{v=\"a\\\"b\\\\c\\nd\"} 1");
    }

    @Test
    void concurrentIncrementsAreExact() throws Exception {
        Metrics m = new Metrics();
        Metrics.Counter c = m.counter("n_total", "N.", "k");
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 100_000; i++) {
                    c.inc("x");
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(m.scrape()).contains("n_total{k=\"x\"} 800000");
    }

    @Test
    void labelSetsBeyondTheCapGoToOneOverflowSeries() {
        Metrics m = new Metrics();
        Metrics.Counter c = m.counter("many_total", "Many.", "model");
        for (int i = 0; i < Metrics.MAX_SERIES + 50; i++) {
            c.inc("model-" + i);
        }
        String text = m.scrape();
        assertThat(text.lines().filter(l -> l.startsWith("many_total{")).count()).isEqualTo(Metrics.MAX_SERIES + 1);
        assertThat(text).contains("many_total{model=\"_overflow_\"} 50");
    }

    @Test
    void reRegisteringTheSameShapeReturnsItAndAnotherShapeFails() {
        Metrics m = new Metrics();
        Metrics.Counter a = m.counter("x_total", "X.", "a");
        assertThat(m.counter("x_total", "X.", "a")).isSameAs(a);
        assertThatThrownBy(() -> m.counter("x_total", "X.", "b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.gauge("x_total", "X.")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.counter("bad name", "X.")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> a.inc("1", "2")).isInstanceOf(IllegalArgumentException.class);
    }
}
