package dev.bastion.privacy.fl.net;

import dev.bastion.privacy.fl.DistributedDp;
import dev.bastion.privacy.fl.Quantizer;
import dev.bastion.privacy.fl.SecAggConfig;
import dev.bastion.privacy.fl.SecAggPlusBounds;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * The public parameters of one round, derived the same way by the coordinator and by every site from the task
 * and the roster size: the cohort (the task's group, or every site), the quantiser (and so b), the distributed DP
 * plan (rotation seed from the public round seed), and the secure aggregation config. A site computes k and t
 * itself (from the tolerance and corrupt fraction of the task, SecAgg+ bounds with sigma 40, eta 20), so a
 * coordinator cannot hand it a low threshold; the site's policy bounds the tolerance.
 */
public final class RoundPlan {
    private RoundPlan() {
    }

    /** The sites asked to take part in this task: its group, or the whole roster. */
    public static int cohort(Control.Task task, int sites) {
        return task.group().isEmpty() ? sites : task.group().size();
    }

    public static Quantizer quantizer(Control.Task task, int sites) {
        return new Quantizer(task.clip(), task.levelBits(), task.maxCount(), cohort(task, sites));
    }

    /** The public rotation seed: the first 8 bytes of the round seed. */
    public static long rotationSeed(Control.Task task) {
        return ByteBuffer.wrap(task.aggregation().roundSeed()).getLong();
    }

    /** The distributed DP plan of a task whose privacy is {@code distributed} (the one-JVM {@link DistributedDp}). */
    public static DistributedDp dpPlan(Control.Task task, int sites) {
        Control.Privacy p = task.privacy();
        return DistributedDp.plan(task.parameters().length, task.clip(), p.bits(), p.noiseMultiplier(),
                p.minSurvivors(), cohort(task, sites), rotationSeed(task));
    }

    /** Coordinates of one site's vector. */
    public static int length(Control.Task task, int sites) {
        return task.privacy().distributed() ? dpPlan(task, sites).rotation().paddedDimensions()
                : task.parameters().length + 1;
    }

    /** The modulus 2^bits of the sum. */
    public static int bits(Control.Task task, int sites) {
        return task.privacy().distributed() ? task.privacy().bits() : quantizer(task, sites).bits();
    }

    public static SecAggConfig config(Control.Task task, int sites) {
        Control.Aggregation a = task.aggregation();
        int n = cohort(task, sites);
        int length = length(task, sites);
        int bits = bits(task, sites);
        Duration timeout = Duration.ofMillis(a.stageTimeoutMillis());
        if (a.mode().equals("plus")) {
            SecAggPlusBounds.Choice c = SecAggPlusBounds.choose(n, a.corrupt(), a.tolerance(), 40, 20);
            if (!c.complete()) {
                return SecAggConfig.plus(task.federation(), task.round(), n, c.k(), c.threshold(), a.tolerance(),
                        a.roundSeed(), length, bits, timeout);
            }
        }
        return SecAggConfig.full(task.federation(), task.round(), n, a.tolerance(), length, bits, timeout);
    }

    /** The SecAgg id of roster site {@code site} in this task (its position in the group + 1, or its roster id). */
    public static int secaggId(Control.Task task, int site) {
        return task.group().isEmpty() ? site : task.group().indexOf(site) + 1;
    }

    /** The roster id of SecAgg id {@code id} in this task. */
    public static int rosterId(Control.Task task, int id) {
        return task.group().isEmpty() ? id : task.group().get(id - 1);
    }
}
