package dev.bastion.gateway.pipeline;

import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.api.Refusal;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What a stage returns: its result, or the outcome that ends the request there.
 *
 * <p>Stages are written as {@code if (!(stage(...) instanceof Check.Pass<T>(T value))) return ...;}: a stop is a
 * value passed back, never an exception thrown across stages.
 */
public sealed interface Check<T> {
    record Pass<T>(T value) implements Check<T> {
        public Pass {
            Objects.requireNonNull(value, "value");
        }
    }

    record Stop<T>(Outcome outcome) implements Check<T> {
        public Stop {
            Objects.requireNonNull(outcome, "outcome");
            if (outcome instanceof Outcome.Answered) {
                throw new IllegalArgumentException("an answer does not stop a request");
            }
        }
    }

    static <T> Check<T> pass(T value) {
        return new Pass<>(value);
    }

    static <T> Check<T> refuse(ApiError error) {
        return new Stop<>(new Outcome.Refused(error));
    }

    static <T> Check<T> fail(ApiError error) {
        return new Stop<>(new Outcome.Failed(error, java.util.Optional.empty()));
    }

    /**
     * Runs a parser or validator that reports bad input as {@link Refusal} (the request-body readers and the dialect
     * translations, shared with code outside the pipeline). This is the one place a refusal becomes a value.
     */
    static <T> Check<T> of(Supplier<T> body) {
        try {
            return pass(body.get());
        } catch (Refusal refusal) {
            return refuse(refusal.error());
        }
    }

    /** The outcome of a stop; a bug to ask of a pass. */
    default Outcome stopped() {
        return switch (this) {
            case Stop<T> s -> s.outcome();
            case Pass<T> p -> throw new IllegalStateException("the stage passed");
        };
    }

    /** The same stop, typed for the caller's result. */
    default <U> Check<U> then(Function<T, Check<U>> next) {
        return switch (this) {
            case Pass<T>(T value) -> next.apply(value);
            case Stop<T>(Outcome outcome) -> new Stop<>(outcome);
        };
    }
}
