package dev.bastion.gateway.pipeline;

import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.metrics.GatewayMetrics;
import dev.bastion.guard.Finding;
import dev.bastion.guard.Scanner;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a list of scanners over texts, timing each one, and fails closed: a scanner that throws refuses the request.
 * The scanner's exception is logged by class name only, since its message could contain scanned text.
 */
public final class ScannerRunner {
    private static final System.Logger LOG = System.getLogger(ScannerRunner.class.getName());

    private ScannerRunner() {
    }

    static List<Finding> run(List<Scanner> scanners, List<String> texts, GatewayMetrics metrics) {
        return run(scanners, texts, java.util.Collections.nCopies(texts.size(), "user"), metrics);
    }

    /** As above, telling role-aware scanners where each text came from. */
    public static List<Finding> run(List<Scanner> scanners, List<String> texts, List<String> roles, GatewayMetrics metrics) {
        List<Finding> findings = new ArrayList<>();
        for (Scanner scanner : scanners) {
            long start = System.nanoTime();
            try {
                List<Finding> found = scanner.scan(texts, roles);
                for (Finding f : found) {
                    metrics.finding(scanner.id(), f.type());
                }
                findings.addAll(found);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "scanner " + scanner.id() + " failed with "
                        + e.getClass().getName() + "; the request is refused (fail closed)");
                throw new Failed(scanner.id(), e);
            } finally {
                metrics.scanner(scanner.id(), System.nanoTime() - start);
            }
        }
        return findings;
    }

    /** A scanner threw: a bug in it. The request fails closed with {@link #error()}. */
    public static final class Failed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String scanner;

        Failed(String scanner, RuntimeException cause) {
            super("scanner " + scanner + " failed", cause);
            this.scanner = scanner;
        }

        public ApiError error() {
            return new ApiError(500, "server_error", "scanner_failed", "A safety scanner (" + scanner
                    + ") failed, so the request was refused.", java.util.Optional.empty(), java.util.Optional.empty());
        }
    }
}
