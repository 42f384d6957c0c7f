package dev.bastion.models.pull;

import dev.bastion.models.scan.ScanFinding;
import java.nio.file.Path;
import java.util.List;

/**
 * How a pull ended. Only {@link Pulled} and {@link AlreadyPresent} put a file in the model directory; every other
 * outcome leaves the model directory as it was.
 */
public sealed interface PullOutcome {
    /** One line for the user. */
    String describe();

    /** The file was fetched (wholly, or the rest of it after {@code resumedFrom} bytes), checked, scanned and moved in. */
    record Pulled(Path file, String sha256, long bytes, long resumedFrom) implements PullOutcome {
        @Override
        public String describe() {
            return "pulled " + file + " (" + bytes + " bytes" + (resumedFrom > 0 ? ", resumed at " + resumedFrom : "")
                    + "), sha256 " + sha256 + " verified, scan passed";
        }
    }

    /** The model directory already holds the file with the expected hash; nothing was downloaded. */
    record AlreadyPresent(Path file, String sha256) implements PullOutcome {
        @Override
        public String describe() {
            return "already present: " + file + " (sha256 " + sha256 + ")";
        }
    }

    /** The download completed but its hash is not the expected one; the partial file was deleted. */
    record HashMismatch(String expected, String actual, long bytes) implements PullOutcome {
        @Override
        public String describe() {
            return "SHA-256 mismatch after " + bytes + " bytes: expected " + expected + ", got " + actual
                    + "; the download was deleted and nothing was installed";
        }
    }

    /** The file has the expected hash but the model scan refuses it; it was deleted, not moved in. */
    record ScanRefused(String format, List<ScanFinding> findings) implements PullOutcome {
        public ScanRefused {
            findings = List.copyOf(findings);
        }

        @Override
        public String describe() {
            StringBuilder b = new StringBuilder("the model scan refused the download (format: " + format + ")");
            if (findings.isEmpty()) {
                b.append(": not a GGUF file");
            }
            findings.forEach(f -> b.append("; ").append(f.code()).append(": ").append(f.message()));
            return b.append("; it was deleted and nothing was installed").toString();
        }
    }

    /**
     * The download stopped: an HTTP error, the connection, the disk. {@code partialKept} says whether the bytes so
     * far were kept, so the same command resumes.
     */
    record Failed(String message, boolean partialKept) implements PullOutcome {
        @Override
        public String describe() {
            return message + (partialKept ? "; the partial download was kept: run the same command to resume" : "");
        }
    }
}
