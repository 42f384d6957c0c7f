package dev.bastion.gateway.pipeline;

import dev.bastion.gateway.identity.RateLimiter;
import dev.bastion.gateway.metrics.GatewayMetrics;
import java.util.Objects;

/**
 * The stages the chat and embeddings pipelines share, built once by the composition root.
 *
 * @param authenticator stage 1
 * @param limiter stage 2
 * @param inputGuard stage 3
 * @param router stage 4
 * @param metrics stage 9 (metrics), and timing of every stage
 * @param audit stage 9 (audit record)
 * @param conversations stage 9 (stored conversations, where the route keeps them)
 * @param subjectHeader the request header naming the data subject
 * @param abuse stage 2 (held-back keys) and 9 (recording query patterns)
 * @param pseudonyms stage 5 and 8: each conversation's pseudonyms, sealed per API key and conversation
 */
public record Stages(Authenticator authenticator, RateLimiter limiter, InputGuard inputGuard, Router router,
        GatewayMetrics metrics, AuditTrail audit, ConversationVault conversations,
        String subjectHeader, dev.bastion.gateway.identity.AbuseMonitor abuse,
        dev.bastion.guard.pseudonym.PseudonymVault pseudonyms) {
    public Stages {
        Objects.requireNonNull(authenticator, "authenticator");
        Objects.requireNonNull(limiter, "limiter");
        Objects.requireNonNull(inputGuard, "inputGuard");
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(conversations, "conversations");
        Objects.requireNonNull(subjectHeader, "subjectHeader");
        Objects.requireNonNull(abuse, "abuse");
        Objects.requireNonNull(pseudonyms, "pseudonyms");
    }
}
