package dev.bastion.gateway.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.ApiError;
import java.util.Objects;
import java.util.Optional;

/**
 * How a request ended. Every endpoint's stages end in exactly one of these, and {@link Pipeline} turns it into the
 * response, the metrics and the audit record in one exhaustive switch.
 */
public sealed interface Outcome {
    /** The HTTP status the client saw (200 for a stream that was cut after it started). */
    int status();

    /** The outcome as the audit record and the refusal metric name it: {@code ok} or an error code. */
    String code();

    /** Tokens the request used, also when it did not end in an answer. */
    Usage usage();

    /** Token counts. */
    record Usage(long promptTokens, long completionTokens) {
        public static final Usage NONE = new Usage(0, 0);

        /** Whether no token was used (cheaper than {@code equals(NONE)} on the hot path). */
        public boolean isNone() {
            return promptTokens == 0 && completionTokens == 0;
        }

        public Usage {
            if (promptTokens < 0 || completionTokens < 0) {
                throw new IllegalArgumentException("negative token count");
            }
        }
    }

    /** The answer, complete or streamed, is ready to go out once its audit record is written. */
    record Answered(Reply reply, Usage usage) implements Outcome {
        public Answered {
            Objects.requireNonNull(reply, "reply");
            Objects.requireNonNull(usage, "usage");
        }

        @Override
        public int status() {
            return 200;
        }

        @Override
        public String code() {
            return "ok";
        }
    }

    /** A control said no (authentication, limits, policy, bad input) before anything was sent. */
    record Refused(ApiError error, Usage usage) implements Outcome {
        public Refused {
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(usage, "usage");
        }

        public Refused(ApiError error) {
            this(error, Usage.NONE);
        }

        @Override
        public int status() {
            return error.status();
        }

        @Override
        public String code() {
            return error.code();
        }
    }

    /**
     * Something failed before anything was sent: the upstream (its error mapped to ours), or a bug ({@code bug}
     * present: logged with the request id, the client sees a generic 500).
     */
    record Failed(ApiError error, Optional<Throwable> bug) implements Outcome {
        public Failed {
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(bug, "bug");
        }

        @Override
        public int status() {
            return error.status();
        }

        @Override
        public String code() {
            return bug.isPresent() ? "internal_error" : error.code();
        }

        @Override
        public Usage usage() {
            return Usage.NONE;
        }
    }

    /**
     * A stream stopped after its first bytes: its output was blocked, the upstream broke off, or the client went
     * away. {@code reason} is sent as an error event when the client is still there.
     */
    record Cut(ApiError reason, Usage usage, Reply.Streamed stream) implements Outcome {
        public Cut {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(usage, "usage");
            Objects.requireNonNull(stream, "stream");
        }

        @Override
        public int status() {
            return 200;
        }

        @Override
        public String code() {
            return reason.code();
        }
    }

    /** What an answer is made of. */
    sealed interface Reply {
        /** A whole JSON answer. */
        record Whole(ObjectNode body) implements Reply {
            public Whole {
                Objects.requireNonNull(body, "body");
            }
        }

        /** A stream already relayed up to its end; {@link End} sends the last events. */
        record Streamed(End end) implements Reply {
            public Streamed {
                Objects.requireNonNull(end, "end");
            }
        }

        /** The last events of a stream: the end of a completed one, or an error event. */
        interface End {
            /** Sends what was held back, usage if asked, and the end marker. */
            void complete();

            /** Sends {@code error} as an error event (or an HTTP error if nothing was sent yet) and closes. */
            void fail(ApiError error);
        }
    }
}
