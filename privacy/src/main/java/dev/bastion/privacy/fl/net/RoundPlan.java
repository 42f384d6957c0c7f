package dev.bastion.privacy.fl.net;

import dev.bastion.privacy.fl.Quantizer;
import dev.bastion.privacy.fl.SecAggConfig;
import dev.bastion.privacy.fl.SecAggPlusBounds;
import java.time.Duration;

/**
 * The public parameters of one round, derived the same way by the coordinator and by every site from the task
 * and the roster size: the quantiser (and so b), and the secure aggregation config. A site computes k and t itself
 * (from the tolerance and corrupt fraction of the task, SecAgg+ bounds with sigma 40, eta 20), so a coordinator
 * cannot hand it a low threshold; the site's policy bounds the tolerance.
 */
public final class RoundPlan {
    private RoundPlan() {
    }

    public static Quantizer quantizer(Control.Task task, int sites) {
        return new Quantizer(task.clip(), task.levelBits(), task.maxCount(), sites);
    }

    public static SecAggConfig config(Control.Task task, int sites) {
        Control.Aggregation a = task.aggregation();
        int length = task.parameters().length + 1;
        int bits = quantizer(task, sites).bits();
        Duration timeout = Duration.ofMillis(a.stageTimeoutMillis());
        if (a.mode().equals("plus")) {
            SecAggPlusBounds.Choice c = SecAggPlusBounds.choose(sites, a.corrupt(), a.tolerance(), 40, 20);
            if (!c.complete()) {
                return SecAggConfig.plus(task.federation(), task.round(), sites, c.k(), c.threshold(), a.tolerance(),
                        a.roundSeed(), length, bits, timeout);
            }
        }
        return SecAggConfig.full(task.federation(), task.round(), sites, a.tolerance(), length, bits, timeout);
    }
}
