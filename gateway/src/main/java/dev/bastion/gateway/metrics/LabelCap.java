package dev.bastion.gateway.metrics;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The series of one labelled metric, at most {@value #MAX_SERIES} of them (threads racing past the size check can
 * each add one more, so the bound is the cap plus the number of recording threads): label sets beyond it all go to one
 * series whose labels are {@code _overflow_}, so clients cannot grow memory by inventing label values (a model name
 * is a label only once it matched the configuration, but scanner finding types, refusal codes and statuses are
 * bounded only by the code). The Prometheus client keeps every label set it is given, so the cap lives here, in
 * front of it; this map also caches each series' data point, so recording costs one hash lookup. Thread-safe.
 *
 * @param <D> the client's data point type (a counter's or a histogram's)
 */
final class LabelCap<D> {
    static final int MAX_SERIES = 1000;
    static final String OVERFLOW = "_overflow_";

    private final int labels;
    private final Function<String[], D> series;
    private final ConcurrentHashMap<List<String>, D> known = new ConcurrentHashMap<>();
    /** A one-label metric's series by its value: no array and no list per call (see {@link #get(String)}). */
    private final ConcurrentHashMap<String, D> knownOne = new ConcurrentHashMap<>();

    /**
     * @param labels how many label values each call passes
     * @param series the client's data point for a label set ({@code metric::labelValues})
     */
    LabelCap(int labels, Function<String[], D> series) {
        if (labels < 1) {
            throw new IllegalArgumentException("a capped metric needs at least one label");
        }
        this.labels = labels;
        this.series = Objects.requireNonNull(series, "series");
    }

    /**
     * {@link #get(String...)} for a metric of one label (stages, scanners, routes, refusal reasons: most calls on
     * a request's path), keyed by the string itself: the varargs array, its list view and the list's hash and
     * equality walks were ~1 kB and 1% of a proxied request's CPU in round sixteen's profile. Same series, same cap.
     */
    D get(String value) {
        if (labels != 1 || value == null) {
            return get(new String[] {value}); // the general path's checks and its handling of a null value
        }
        D d = knownOne.get(value);
        if (d != null) {
            return d;
        }
        if (knownOne.size() >= MAX_SERIES) {
            return knownOne.computeIfAbsent(OVERFLOW, k -> series.apply(new String[] {OVERFLOW}));
        }
        return knownOne.computeIfAbsent(value, k -> series.apply(new String[] {k}));
    }

    /** The data point for these label values, or the overflow series once the cap is reached. */
    D get(String... values) {
        if (values.length != labels) {
            throw new IllegalArgumentException("expected " + labels + " label values, got " + values.length);
        }
        List<String> key = Arrays.asList(values);
        D d = known.get(key);
        if (d != null) {
            return d;
        }
        if (known.size() >= MAX_SERIES) {
            String[] overflow = new String[labels];
            Arrays.fill(overflow, OVERFLOW);
            return known.computeIfAbsent(Arrays.asList(overflow), k -> series.apply(overflow));
        }
        String[] copy = values.clone();
        return known.computeIfAbsent(Arrays.asList(copy), k -> series.apply(copy));
    }
}
