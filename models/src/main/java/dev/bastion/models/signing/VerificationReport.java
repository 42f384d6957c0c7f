package dev.bastion.models.signing;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of verifying a model against a signature: every problem found, not just the first. The model is
 * verified exactly when there is no problem.
 */
public record VerificationReport(String model, Optional<String> signer, Optional<SigningAlgorithm> algorithm,
        int filesChecked, List<Problem> problems) {

    public VerificationReport {
        problems = List.copyOf(problems);
    }

    public boolean verified() {
        return problems.isEmpty();
    }

    /** One thing wrong. */
    public sealed interface Problem {
        String describe();

        /** The bundle or its statement cannot be used. */
        record Malformed(String reason) implements Problem {
            public String describe() {
                return "malformed signature: " + reason;
            }
        }

        /** No trusted key matches the bundle's key hint. */
        record UnknownKey(String hint) implements Problem {
            public String describe() {
                return "signed by an unknown key (hint " + hint + "); it is not among the trusted keys";
            }
        }

        /** The signature does not verify over the payload with the key. */
        record BadSignature() implements Problem {
            public String describe() {
                return "bad signature: the signed statement was altered or signed by another key";
            }
        }

        /** A signed file now has different content. */
        record Changed(String file) implements Problem {
            public String describe() {
                return "changed: " + file;
            }
        }

        /** A signed file is gone. */
        record Missing(String file) implements Problem {
            public String describe() {
                return "missing: " + file;
            }
        }

        /** A file that was not signed is present. */
        record Extra(String file) implements Problem {
            public String describe() {
                return "extra (not signed): " + file;
            }
        }
    }
}
