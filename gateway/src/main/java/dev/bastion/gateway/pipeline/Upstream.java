package dev.bastion.gateway.pipeline;

import dev.bastion.gateway.backend.BackendException;
import dev.bastion.gateway.metrics.GatewayMetrics;
import java.util.Locale;

/** Stage "backend": one call to a model's backend, timed, with its failure as a value. */
final class Upstream {
    private Upstream() {
    }

    @FunctionalInterface
    interface Call<T> {
        T run() throws BackendException;
    }

    /** The backend's answer, or its failure mapped to our error ({@link BackendErrors}) and counted. */
    static <T> Check<T> call(GatewayMetrics metrics, Router.RoutePlan plan, Call<T> call) {
        long start = System.nanoTime();
        try (var _ = metrics.startStage("backend")) {
            return Check.pass(call.run());
        } catch (BackendException e) {
            metrics.upstreamError(plan.model().name(), e.kind().name().toLowerCase(Locale.ROOT));
            return Check.fail(BackendErrors.toApiError(plan.model().name(), e));
        } finally {
            metrics.backend(plan.model().backend(), plan.model().name(), System.nanoTime() - start);
        }
    }
}
