package dev.bastion.privacy.fairness.monitor;

import dev.bastion.privacy.fairness.Confusion;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A live fairness monitor: services post decisions, and later their true outcomes by request id; the monitor keeps
 * windowed confusion counts per group and reports a window that leaves its group's baseline (see {@link WindowCheck}).
 *
 * <p>What it keeps: for a decision still waiting for its label, the request id, the group name and the decision bit
 * (and when it arrived, for expiry); for each group, four counts per window. Nothing else of a case is ever received
 * or kept. Memory is bounded: at most {@code maxPending} waiting decisions (each dropped after {@code pendingTtl}) and
 * {@code maxGroups} groups.
 *
 * <p>A batch is recorded whole or refused whole ({@link BatchResult}). Decisions are applied before outcomes, so a
 * batch may carry a decision and its outcome. This class is thread-safe: every method locks the monitor.
 */
public final class FairnessMonitor {
    /** Alerts kept for the status page. */
    public static final int RECENT_ALERTS = 100;

    private final MonitorSettings settings;
    private final Clock clock;
    private final LinkedHashMap<String, Pending> pending = new LinkedHashMap<>();
    private final LinkedHashMap<String, GroupWindows> groups = new LinkedHashMap<>();
    private final ArrayDeque<Alert> recent = new ArrayDeque<>();
    private long decisions;
    private long resolved;
    private long expired;
    private long orphans;
    private long duplicates;
    private long alertsRaised;

    /** A decision waiting for its label: the group's name (shared with its {@link GroupWindows}), the bit, the time. */
    record Pending(String group, boolean positive, long receivedMillis) {
    }

    public FairnessMonitor(MonitorSettings settings, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public MonitorSettings settings() {
        return settings;
    }

    /** Records a batch: every decision, then every outcome; or nothing, with the reason. */
    public synchronized BatchResult record(List<Decision> batchDecisions, List<Outcome> batchOutcomes) {
        expire();
        Set<String> newGroups = new HashSet<>();
        int waiting = 0;
        for (Decision d : batchDecisions) {
            if (!d.groups().keySet().equals(Set.copyOf(settings.attributes()))) {
                return new BatchResult.Refused(BatchResult.Reason.WRONG_ATTRIBUTES, "decision '" + d.requestId()
                        + "': groups must give exactly the attributes " + settings.attributes() + " of monitor '"
                        + settings.name() + "'");
            }
            String group = groupName(d);
            if (!groups.containsKey(group)) {
                newGroups.add(group);
            }
            if (d.label().isEmpty()) {
                waiting++;
            }
        }
        if (groups.size() + newGroups.size() > settings.maxGroups()) {
            return new BatchResult.Refused(BatchResult.Reason.TOO_MANY_GROUPS, "monitor '" + settings.name()
                    + "' tracks at most " + settings.maxGroups() + " groups; this batch would add " + newGroups.size()
                    + " to " + groups.size());
        }
        if (pending.size() + waiting > settings.maxPending()) {
            return new BatchResult.Refused(BatchResult.Reason.PENDING_FULL, "monitor '" + settings.name() + "' holds "
                    + pending.size() + " decisions waiting for outcomes, at most " + settings.maxPending()
                    + "; post outcomes first, or retry when older decisions have expired");
        }
        long now = clock.millis();
        int resolvedNow = 0;
        int duplicatesNow = 0;
        int orphansNow = 0;
        List<Alert> alerts = new ArrayList<>();
        for (Decision d : batchDecisions) {
            GroupWindows g = groups.computeIfAbsent(groupName(d),
                    name -> new GroupWindows(name, settings.windowSize(), settings.baselineWindows()));
            if (d.label().isPresent()) {
                resolve(g, d.positive(), d.label().get(), alerts);
                resolvedNow++;
            } else if (pending.containsKey(d.requestId())) {
                duplicatesNow++;
                continue;
            } else {
                pending.put(d.requestId(), new Pending(g.group(), d.positive(), now));
            }
            decisions++;
        }
        for (Outcome o : batchOutcomes) {
            Pending p = pending.remove(o.requestId());
            if (p == null) {
                orphansNow++;
            } else {
                resolve(groups.get(p.group()), p.positive(), o.label(), alerts);
                resolvedNow++;
            }
        }
        duplicates += duplicatesNow;
        orphans += orphansNow;
        return new BatchResult.Recorded(batchDecisions.size() - duplicatesNow, resolvedNow, orphansNow, duplicatesNow,
                alerts);
    }

    private void resolve(GroupWindows g, boolean decision, boolean label, List<Alert> alerts) {
        resolved++;
        g.add(decision, label).ifPresent(closed -> {
            if (!closed.baseline()) {
                List<Alert> found = WindowCheck.check(settings, g.group(), closed.window(), closed.counts(),
                        g.baseline(), groups.size());
                for (Alert a : found) {
                    alertsRaised++;
                    recent.addLast(a);
                    if (recent.size() > RECENT_ALERTS) {
                        recent.removeFirst();
                    }
                }
                alerts.addAll(found);
            }
        });
    }

    /** Drops decisions that waited longer than the time-to-live (oldest first; insertion order is arrival order). */
    private void expire() {
        long cutoff = clock.millis() - settings.pendingTtl().toMillis();
        for (Iterator<Pending> it = pending.values().iterator(); it.hasNext();) {
            if (it.next().receivedMillis() > cutoff) {
                break;
            }
            it.remove();
            expired++;
        }
    }

    /** {@code race=black,sex=female}: the values of the monitor's attributes, in its order. */
    private String groupName(Decision d) {
        StringBuilder b = new StringBuilder();
        for (String a : settings.attributes()) {
            if (!b.isEmpty()) {
                b.append(',');
            }
            b.append(a).append('=').append(d.groups().get(a));
        }
        return b.toString();
    }

    /** The monitor's counters, groups and recent alerts now (expiring overdue decisions first). */
    public synchronized MonitorStatus status() {
        expire();
        double alpha = settings.alphaPerTest(groups.size());
        List<MonitorStatus.Group> out = new ArrayList<>();
        for (GroupWindows g : groups.values()) {
            Map<WindowMetric, MonitorStatus.Metric> metrics = new EnumMap<>(WindowMetric.class);
            for (WindowMetric m : settings.metrics()) {
                Confusion last = g.lastWindow().orElse(new Confusion(0, 0, 0, 0));
                double[] ci = WindowCheck.interval(m, last, alpha);
                metrics.put(m, new MonitorStatus.Metric(rate(m, last), ci[0], ci[1], rate(m, g.baseline())));
            }
            out.add(new MonitorStatus.Group(g.group(), g.closedWindows(), g.baselineReady(), g.filling().n(), metrics));
        }
        return new MonitorStatus(settings, decisions, resolved, pending.size(), expired, orphans, duplicates,
                alertsRaised, out, List.copyOf(recent));
    }

    private static double rate(WindowMetric m, Confusion c) {
        long trials = m.trials(c);
        return trials == 0 ? Double.NaN : (double) m.successes(c) / trials;
    }

    /** The waiting decision of a request id, for tests that inspect what is kept. */
    synchronized java.util.Optional<Pending> pendingForTesting(String requestId) {
        return java.util.Optional.ofNullable(pending.get(requestId));
    }
}
