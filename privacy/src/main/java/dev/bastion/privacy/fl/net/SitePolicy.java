package dev.bastion.privacy.fl.net;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a site agrees to take part in: the models it allows, the columns (label included) a task may read, the
 * largest ε one task may claim and the total over every task it has accepted, whether it requires secure
 * aggregation, and the largest dropout tolerance it accepts (a larger tolerance means a lower Shamir threshold).
 * {@link #check} gives the first reason to refuse, as a code the coordinator is told; the site's data never enters
 * the decision. ε is the figure the task declares; for a DP task the site has already checked ({@link DpClaim})
 * that the declaration is at least what the task's noise spends, so the limits here hold for the noise. A task
 * without DP declares what its coordinator was asked (0 by default) and is protected by secure aggregation only.
 * Immutable.
 */
public record SitePolicy(Set<String> models, Set<String> columns, double maxEpsilonPerTask, double maxEpsilonTotal,
        boolean requireSecureAggregation, double maxTolerance) {

    public SitePolicy {
        models = Set.copyOf(models);
        columns = Set.copyOf(columns);
        if (models.isEmpty() || columns.isEmpty() || maxEpsilonPerTask < 0 || maxEpsilonTotal < 0
                || !(maxTolerance > 0 && maxTolerance < 0.5)) {
            throw new IllegalArgumentException("a site policy lists at least one model and one column, ε limits "
                    + ">= 0 and a tolerance in (0, 0.5)");
        }
        for (String m : models) {
            if (!List.of("logreg", "mlp").contains(m)) {
                throw new IllegalArgumentException("allowed models are logreg and mlp, not '" + m + "'");
            }
        }
    }

    /**
     * The first reason to refuse {@code task}, given the ε this site has already accepted, or empty to accept.
     *
     * @param alreadyCharged true when this training run's ε has been charged before (later rounds of one task)
     */
    public Optional<Control.Refusal> check(Control.Task task, double spentEpsilon, boolean alreadyCharged) {
        if (!models.contains(task.model())) {
            return Optional.of(Control.Refusal.MODEL_NOT_ALLOWED);
        }
        if (!columns.contains(task.schema().label()) || !columns.containsAll(task.schema().columnNames())) {
            return Optional.of(Control.Refusal.COLUMN_NOT_ALLOWED);
        }
        if (task.epsilon() > maxEpsilonPerTask) {
            return Optional.of(Control.Refusal.EPSILON_PER_TASK);
        }
        if (!alreadyCharged && spentEpsilon + task.epsilon() > maxEpsilonTotal) {
            return Optional.of(Control.Refusal.EPSILON_TOTAL);
        }
        if ((requireSecureAggregation && task.aggregation().mode().equals("off"))
                || task.aggregation().tolerance() > maxTolerance) {
            return Optional.of(Control.Refusal.WEAK_PROTOCOL);
        }
        return Optional.empty();
    }
}
