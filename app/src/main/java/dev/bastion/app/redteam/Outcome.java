package dev.bastion.app.redteam;

import java.util.List;
import java.util.Objects;

/**
 * The judged result of one probe against one endpoint, as reports show it.
 *
 * @param verdict what the probe did
 * @param status HTTP status, 0 when none came
 * @param requestId Bastion's request id ({@code x-request-id}), whose decision record explains the verdict; empty
 *     for endpoints that send none
 * @param reason the error type and code of a refusal, for example {@code policy_violation/output_blocked}, or the
 *     transport error; empty for answers
 * @param signals what the detector found (for example {@code canary}, {@code record:email}); never the values
 * @param answer the answer, redacted through Bastion's secret and PII scanners and cut to {@link #MAX_ANSWER} chars
 * @param millis time for the whole exchange
 */
public record Outcome(Verdict verdict, int status, String requestId, String reason, List<String> signals,
        String answer, long millis) {
    /** Longest answer kept in a report. */
    public static final int MAX_ANSWER = 2000;

    public Outcome {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(reason, "reason");
        signals = List.copyOf(signals);
        Objects.requireNonNull(answer, "answer");
        if (answer.length() > MAX_ANSWER) {
            throw new IllegalArgumentException("an outcome keeps at most " + MAX_ANSWER + " characters of answer");
        }
        if (verdict == Verdict.SUCCEEDED && signals.isEmpty()) {
            throw new IllegalArgumentException("a succeeded probe must name what its detector found");
        }
    }
}
