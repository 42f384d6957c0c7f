package dev.bastion.gateway.pipeline;

import dev.bastion.store.keys.ApiKey;
import java.util.Objects;

/**
 * One API endpoint's own stages, run by {@link Pipeline} between admission and the record: parse, scan input,
 * decide, route, rewrite, call, scan output, restore, as far as they apply to it. Each stage returns a value
 * ({@link Check}); the endpoint ends in an {@link Outcome} and never writes the response itself.
 */
public interface Endpoint {
    /** The API, as the audit record names it ({@code chat.completions}, {@code embeddings}, ...). */
    String name(Exchange exchange);

    /** Runs the endpoint's stages for an authenticated and admitted caller. */
    Served serve(Exchange exchange, ApiKey key, RequestFacts facts);

    /**
     * How the endpoint's stages ended.
     *
     * @param facts what the stages established, for the audit record
     * @param prompt the request's text, for the abuse monitor's pattern check (kept as fingerprints, never
     *     stored); empty when the request did not get that far
     * @param keep what the endpoint keeps of an answered request (a stored conversation), run after the answer
     */
    record Served(Outcome outcome, RequestFacts facts, String prompt, Runnable keep) {
        public Served {
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(facts, "facts");
            Objects.requireNonNull(prompt, "prompt");
            Objects.requireNonNull(keep, "keep");
        }

        /** A request that ended before it was served. */
        public static Served stopped(Outcome outcome, RequestFacts facts) {
            return new Served(outcome, facts, "", () -> { });
        }
    }
}
