package dev.bastion.gateway.config;

import java.time.Duration;

/**
 * Extraction and probing detection per key (keys under {@code abuse}).
 *
 * @param window how far back requests are compared
 * @param minRequests requests in the window before any rule applies; 0 turns detection off
 * @param nearDuplicateShare share of near-duplicate prompts that flags a key
 * @param outputShare share of output tokens that flags a key
 * @param sweepShare share of prompts that are one template enumerated over numbers that flags a key
 * @param volumeRequests answered requests within the window that flag a key by volume alone; 0 turns it off
 */
public record AbuseSettings(Duration window, int minRequests, double nearDuplicateShare, double outputShare,
        double sweepShare, int volumeRequests) {
    public AbuseSettings {
        ServerSettings.requirePositive(window, "abuse.window");
        if (minRequests < 0) {
            throw new IllegalArgumentException("abuse.min-requests cannot be negative");
        }
        if (!(nearDuplicateShare > 0 && nearDuplicateShare <= 1) || !(outputShare > 0 && outputShare <= 1)
                || !(sweepShare > 0 && sweepShare <= 1)) {
            throw new IllegalArgumentException("abuse.near-duplicate-share and abuse.output-share must be in (0, 1]");
        }
    }
}
