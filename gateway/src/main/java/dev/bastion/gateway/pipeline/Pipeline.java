package dev.bastion.gateway.pipeline;

import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.identity.AbuseMonitor;
import dev.bastion.store.keys.ApiKey;
import dev.bastion.gateway.identity.RateLimiter;
import dev.bastion.store.keys.Role;
import dev.bastion.gateway.metrics.GatewayMetrics;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The one request pipeline every model endpoint runs, in this order:
 *
 * <ol>
 *   <li>authenticate: a valid key whose role may call models ({@link Authenticator})</li>
 *   <li>admit: the audit log is writable, the key is not held back for abuse, its limits have room
 *       ({@link Admission})</li>
 *   <li>the endpoint's own stages ({@link Endpoint#serve}): parse, scan input, decide, route, rewrite, call the
 *       backend, scan output, restore</li>
 *   <li>record: usage and token limits, then the audit record (awaited before an answer goes out when
 *       {@code audit.durability} is sync)</li>
 *   <li>respond: one exhaustive switch over the {@link Outcome}</li>
 *   <li>keep and watch: what the endpoint keeps of an answer (stored conversations), and the abuse monitor's
 *       pattern check</li>
 * </ol>
 *
 * <p>Every stage returns a value; refusals are outcomes, not exceptions. An exception is a bug: it is logged with
 * the request id and answered with a generic 500, and no stack trace or message reaches the client. Thread-safe; one
 * instance serves all requests, each on its own virtual thread.
 */
public final class Pipeline {
    private static final System.Logger LOG = System.getLogger(Pipeline.class.getName());

    private final Authenticator authenticator;
    private final Admission admission;
    private final GatewayMetrics metrics;
    private final AuditTrail audit;
    private final AbuseMonitor abuse;

    public Pipeline(Stages stages) {
        this.authenticator = stages.authenticator();
        this.admission = new Admission(stages.limiter(), stages.abuse(), stages.audit());
        this.metrics = stages.metrics();
        this.audit = stages.audit();
        this.abuse = stages.abuse();
    }

    /** Runs {@code endpoint} for one request and writes its response. */
    public void handle(Exchange exchange, Endpoint endpoint) {
        audit.expect(exchange.requestId()); // a group commit may wait for this request's record (sync audit)
        try {
            run(exchange, endpoint);
        } finally {
            audit.settle(exchange.requestId()); // recorded already, unless a bug cut the request short
        }
    }

    private void run(Exchange exchange, Endpoint endpoint) {
        RequestFacts facts = RequestFacts.start(endpoint.name(exchange), exchange.requestId(), System.nanoTime());
        Check<ApiKey> caller = stage(metrics, "authenticate",
                () -> authenticator.check(exchange.header("Authorization"), Role::mayCallModels, "call models"));
        if (!(caller instanceof Check.Pass<ApiKey>(ApiKey key))) {
            finish(exchange, Endpoint.Served.stopped(caller.stopped(), facts), Optional.empty());
            return;
        }
        facts = facts.authenticated(key);
        Check<RateLimiter.Permit> admitted = stage(metrics, "admit", () -> admission.admit(key));
        if (!(admitted instanceof Check.Pass<RateLimiter.Permit>(RateLimiter.Permit permit))) {
            finish(exchange, Endpoint.Served.stopped(admitted.stopped(), facts), Optional.empty());
            return;
        }
        try (permit) {
            Endpoint.Served served;
            try {
                served = endpoint.serve(exchange, key, facts);
            } catch (ScannerRunner.Failed failed) { // fail closed; the runner has logged which scanner
                served = Endpoint.Served.stopped(new Outcome.Failed(failed.error(), Optional.empty()), facts);
            } catch (RuntimeException bug) {
                served = Endpoint.Served.stopped(new Outcome.Failed(ApiError.internal(exchange.requestId()),
                        Optional.of(bug)), facts);
            }
            finish(exchange, served, Optional.of(permit));
        }
    }

    /** Records and responds: the one place an outcome becomes a response. */
    private void finish(Exchange exchange, Endpoint.Served served, Optional<RateLimiter.Permit> permit) {
        Outcome outcome = served.outcome();
        RequestFacts facts = served.facts();
        stage(metrics, "record", () -> {
            recordUsage(facts, outcome.usage(), permit);
            return null;
        });
        int status = outcome.status();
        switch (outcome) {
            case Outcome.Answered answered -> {
                // Timed as its own stage: with sync durability the answer waits here for its record's group commit
                // (write and fsync), the largest part of a proxied request's latency on a quiet machine.
                if (!stage(metrics, "audit", () -> audit.recordBeforeAnswer(facts.close(outcome)))) {
                    status = 503;
                    metrics.refusal("audit_unavailable");
                    switch (answered.reply()) {
                        case Outcome.Reply.Whole w -> exchange.respondError(AuditTrail.withheld());
                        case Outcome.Reply.Streamed s -> s.end().fail(AuditTrail.withheld());
                    }
                } else {
                    switch (answered.reply()) {
                        case Outcome.Reply.Whole w -> exchange.respond(200, w.body());
                        case Outcome.Reply.Streamed s -> s.end().complete();
                    }
                    stage(metrics, "keep", () -> {
                        served.keep().run();
                        return null;
                    });
                }
            }
            case Outcome.Refused refused -> {
                metrics.refusal(refused.error().code());
                respondError(exchange, refused.error());
                audit.record(facts.close(outcome));
            }
            case Outcome.Failed failed -> {
                failed.bug().ifPresent(bug -> LOG.log(System.Logger.Level.ERROR,
                        "request " + exchange.requestId() + " failed", bug));
                respondError(exchange, failed.error());
                audit.record(facts.close(outcome));
            }
            case Outcome.Cut cut -> {
                if (!cut.reason().code().equals("client_gone")) {
                    metrics.refusal(cut.reason().code());
                }
                audit.record(facts.close(outcome));
                cut.stream().end().fail(cut.reason());
            }
        }
        metrics.requestFinished(facts.route().orElse("none"), facts.model().orElse("none"), status,
                System.nanoTime() - facts.startedNanos());
        if (outcome instanceof Outcome.Answered && !served.prompt().isEmpty() && facts.key().isPresent()) {
            watch(exchange, facts.key().get(), served.prompt(), outcome.usage());
        }
    }

    private void respondError(Exchange exchange, ApiError error) {
        if (!exchange.responseStarted()) {
            exchange.respondError(error);
        }
    }

    /**
     * Token limits and token metrics for every request that used tokens. Usage per key and tenant is counted from the
     * request's durable audit record ({@link UsageRecorder}), so it is exactly as durable as the record.
     */
    private void recordUsage(RequestFacts facts, Outcome.Usage used, Optional<RateLimiter.Permit> permit) {
        if (used.isNone() || facts.key().isEmpty() || facts.model().isEmpty()) {
            return;
        }
        permit.ifPresent(p -> p.chargeTokens(used.promptTokens() + used.completionTokens()));
        metrics.tokens(facts.servedBy().map(RequestFacts.Served::model).orElse(facts.model().get()),
                used.promptTokens(), used.completionTokens());
    }

    /** The abuse monitor's pattern check for the key and its tenant; a flag holds them back and is audited. */
    private void watch(Exchange exchange, ApiKey key, String prompt, Outcome.Usage used) {
        if (!abuse.enabled()) {
            return;
        }
        AbuseMonitor.Fingerprint fingerprint = AbuseMonitor.Fingerprint.of(prompt); // once for both identities
        for (String who : List.of(key.id(), "tenant:" + key.tenant())) {
            abuse.record(who, fingerprint, used.promptTokens(), used.completionTokens()).ifPresent(flag -> {
                metrics.refusal("abuse_flagged");
                audit.note(exchange.requestId(), key.id(), "abuse.flag", (who.startsWith("tenant:")
                        ? "tenant " + key.tenant() + " " : "") + flag.rule() + ": " + flag.detail()
                        + "; held back " + flag.coolDown().toSeconds() + " s");
            });
        }
    }

    /** Runs one named stage, timed in the stage metric and traced as a span. */
    public static <T> T stage(GatewayMetrics metrics, String name, Supplier<T> body) {
        try (var _ = metrics.startStage(name)) {
            return body.get();
        }
    }
}
