package dev.bastion.gateway.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.api.ChatRequest;
import dev.bastion.gateway.api.Refusal;
import dev.bastion.gateway.api.RequestBodies;
import dev.bastion.gateway.backend.BackendException;
import dev.bastion.gateway.config.GuardSettings;
import dev.bastion.store.keys.ApiKey;
import dev.bastion.gateway.identity.RateLimiter;
import dev.bastion.store.keys.Role;
import dev.bastion.gateway.metrics.GatewayMetrics;
import dev.bastion.guard.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The chat pipeline: every {@code /v1/chat/completions} request passes these stages, in this order, in
 * {@link #handle(Exchange)}:
 *
 * <ol>
 *   <li>authenticate: a valid key whose role may call models</li>
 *   <li>rate limit: the key's and tenant's request, token and concurrency limits</li>
 *   <li>scan input: parse and validate the request, then the route's input scanners and policy</li>
 *   <li>decide route: which model and backend answer, honouring local-only routes and force-local verdicts</li>
 *   <li>pseudonymise: redact and pseudonymise what the verdict says</li>
 *   <li>call backend: streamed or not</li>
 *   <li>scan output: the route's output scanners, incrementally for streams</li>
 *   <li>restore: put pseudonymised values back into the answer</li>
 *   <li>record: usage per key and tenant, metrics</li>
 * </ol>
 *
 * <p>Conversations: a client that sends the same {@value #CONVERSATION_HEADER} header (1 to 128 letters, digits,
 * {@code . _ : -}) on every request of a conversation gets the same surrogates for the same values throughout it,
 * and answers that mention surrogates from earlier requests are restored; the pseudonyms are kept per API key and
 * conversation, so only the key that sent a value can have it restored. Without the header, every request is its
 * own conversation.
 *
 * <p>A stage refuses by throwing {@link Refusal}; this class is the one place that catches it. Anything else that
 * goes wrong is logged with the request id and answered with a generic 500: no stack trace or exception message
 * reaches the client. Thread-safe; one instance serves all requests, each on its own virtual thread.
 */
public final class ChatPipeline {
    private static final System.Logger LOG = System.getLogger(ChatPipeline.class.getName());
    /** The request header naming the conversation a request belongs to. */
    public static final String CONVERSATION_HEADER = "x-bastion-conversation";
    private static final java.util.regex.Pattern CONVERSATION_ID = java.util.regex.Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private final Authenticator authenticator;
    private final RateLimiter limiter;
    private final InputGuard inputGuard;
    private final Router router;
    private final UsageRecorder usage;
    private final GatewayMetrics metrics;
    private final AuditTrail audit;
    private final ConversationVault conversations;
    private final String subjectHeader;
    private final dev.bastion.gateway.identity.AbuseMonitor abuse;
    private final GuardSettings guard;
    private final dev.bastion.guard.pseudonym.PseudonymVault pseudonyms;

    public ChatPipeline(Stages stages, GuardSettings guard) {
        this.authenticator = stages.authenticator();
        this.limiter = stages.limiter();
        this.inputGuard = stages.inputGuard();
        this.router = stages.router();
        this.usage = stages.usage();
        this.metrics = stages.metrics();
        this.audit = stages.audit();
        this.conversations = stages.conversations();
        this.subjectHeader = stages.subjectHeader();
        this.abuse = stages.abuse();
        this.pseudonyms = stages.pseudonyms();
        this.guard = Objects.requireNonNull(guard, "guard");
    }

    public void handle(Exchange exchange) {
        long started = System.nanoTime();
        Trace trace = new Trace(metrics, started);
        try {
            ApiKey key = trace.stage("authenticate",
                    () -> authenticator.authenticate(exchange.header("Authorization"), Role::mayCallModels, "call models"));
            trace.event.keyId = key.id();
            trace.event.tenant = key.tenant();
            try (RateLimiter.Permit permit = trace.stage("rate-limit", () -> {
                audit.requireWritable(); // fail closed: nothing is answered that cannot be recorded
                abuse.heldBack(key.id()).or(() -> abuse.heldBack("tenant:" + key.tenant())).ifPresent(left -> {
                    throw new Refusal(ApiError.rateLimited("abuse_suspected", "This key's recent requests look like model "
                            + "extraction or probing; it is held back for a while. Retry after "
                            + Math.max(1, left.toSeconds()) + " s.", left.toSeconds() < 1 ? java.time.Duration.ofSeconds(1) : left));
                });
                return Admissions.admit(limiter, key);
            })) {
                ChatRequest request = trace.stage("parse", () -> parse(exchange));
                CompiledRoute route = router.routeFor(key, request.model());
                trace.model = request.model(); // only now is it a declared model name, safe as a label
                trace.route = route.name();
                Verdict scanned = trace.stage("scan-input", () -> inputGuard.check(route, request.texts(), request.roles(),
                        trace.event));
                Router.RoutePlan plan = trace.stage("route", () -> router.decide(route, request.model(), scanned));
                // Values the policy hides only from cloud models are pseudonymised now that the destination is known.
                Verdict verdict = scanned.forDestination(plan.model().location() != dev.bastion.gateway.config.Location.LOCAL);
                if (verdict != scanned) {
                    trace.event.decision = verdict instanceof Verdict.Allow ? "allow" : "transform";
                }
                trace.event.servedBy = plan.model().name();
                trace.event.location = plan.model().location().configName();
                trace.event.reason = plan.reason();
                trace.event.controls.add(new AuditTrail.Control("route", "decide", Map.of(), 0,
                        plan.model().name() + " (" + plan.model().location().configName() + ")"));
                for (dev.bastion.guard.Scanner s : route.outputScanners()) {
                    trace.event.controls.add(new AuditTrail.Control(s.id(), "output", Map.of(), 0, null));
                }
                exchange.responseHeader("x-bastion-route", explain(plan, verdict));
                Optional<dev.bastion.guard.pseudonym.PseudonymVault.Scope> conversation = conversation(exchange, key);
                Rewrite rewrite = trace.stage("pseudonymise", () -> Rewrite.apply(request, verdict,
                        route.settings().pseudonyms(), Optional.of(pseudonyms), conversation));
                Optional<String> canary = route.settings().promptCanary()
                        ? Optional.of(PromptCanary.plant(rewrite.upstreamRequest())) : Optional.empty();
                Served served = request.stream()
                        ? stream(exchange, request, plan, rewrite, trace, canary)
                        : complete(exchange, request, plan, rewrite, trace, canary);
                trace.event.promptTokens = served.promptTokens();
                trace.event.completionTokens = served.completionTokens();
                trace.stage("record", () -> {
                    permit.chargeTokens(served.promptTokens() + served.completionTokens());
                    usage.record(key, request.model(), served.promptTokens(), served.completionTokens());
                    metrics.tokens(plan.model().name(), served.promptTokens(), served.completionTokens());
                    metrics.generation(plan.model().name(), served.completionTokens(), trace.backendNanos);
                    keepConversation(exchange, key, request, plan, served, trace.status);
                    String prompt = String.join("\n", request.texts());
                    for (String who : java.util.List.of(key.id(), "tenant:" + key.tenant())) {
                        abuse.record(who, prompt, served.promptTokens(), served.completionTokens()).ifPresent(flag -> {
                            metrics.refusal("abuse_flagged");
                            audit.admin(exchange.requestId(), key.id(), "abuse.flag", (who.startsWith("tenant:")
                                    ? "tenant " + key.tenant() + " " : "") + flag.rule() + ": " + flag.detail()
                                    + "; held back " + flag.coolDown().toSeconds() + " s");
                        });
                    }
                    return null;
                });
            }
        } catch (Refusal refusal) {
            trace.status = refusal.error().status();
            trace.event.outcome = refusal.error().code();
            metrics.refusal(refusal.error().code());
            if (!exchange.responseStarted()) {
                exchange.respondError(refusal.error());
            }
        } catch (RuntimeException e) {
            trace.status = 500;
            trace.event.outcome = "internal_error";
            LOG.log(System.Logger.Level.ERROR, "request " + exchange.requestId() + " failed", e);
            if (!exchange.responseStarted()) {
                exchange.respondError(ApiError.internal(exchange.requestId()));
            }
        } finally {
            metrics.requestFinished(trace.route, trace.model, trace.status, System.nanoTime() - started);
            if (!trace.recorded) { // refusals and failures; answers were recorded before they completed
                writeRecord(exchange, trace, false);
            }
        }
    }

    /** Stage 3a: the request body as a chat request; for a dialect, its translation (which may refuse). */
    private static ChatRequest parse(Exchange exchange) {
        byte[] body = exchange.body();
        ChatRequest request = ChatRequest.from(RequestBodies.parseObject(body, body.length));
        if (request.json().has(ChatRequest.TEXT_COMPLETION) && !"completions".equals(exchange.endpoint())) {
            throw new Refusal(ApiError.invalidParam(ChatRequest.TEXT_COMPLETION, "Unknown field '"
                    + ChatRequest.TEXT_COMPLETION + "'; for a plain text continuation use POST /v1/completions."));
        }
        return request;
    }

    /**
     * Closes the request's audit record and writes it, once: before an answer completes ({@code beforeAnswer},
     * awaited when {@code audit.durability} is sync, so a record that cannot be written withholds the answer), or
     * after a refusal or failure.
     */
    private void writeRecord(Exchange exchange, Trace trace, boolean beforeAnswer) {
        trace.recorded = true;
        trace.event.endpoint = exchange.endpoint();
        trace.event.requestId = exchange.requestId();
        trace.event.route = "none".equals(trace.route) ? null : trace.route;
        trace.event.model = "none".equals(trace.model) ? null : trace.model;
        trace.event.status = trace.status;
        trace.event.latencyMicros = (System.nanoTime() - trace.started) / 1000;
        if (beforeAnswer) {
            audit.recordBeforeAnswer(trace.event);
        } else {
            audit.record(trace.event);
        }
    }

    /** The request's conversation scope, from {@value #CONVERSATION_HEADER}; empty: this request alone. */
    private static Optional<dev.bastion.guard.pseudonym.PseudonymVault.Scope> conversation(Exchange exchange, ApiKey key) {
        Optional<String> id = exchange.header(CONVERSATION_HEADER);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        if (!CONVERSATION_ID.matcher(id.get()).matches()) {
            throw new Refusal(ApiError.invalidRequest("invalid_conversation_id", "The " + CONVERSATION_HEADER
                    + " header must be 1 to 128 letters, digits, '.', '_', ':' or '-'."));
        }
        return Optional.of(new dev.bastion.guard.pseudonym.PseudonymVault.Scope(key.id(), id.get()));
    }

    /** What the backend served: token counts and the answer text (choice 0) as the client received it. */
    private record Served(long promptTokens, long completionTokens, String answer) {
    }

    /** Stage 9 (conversations): keeps what the route's storage policy says; a failure is logged, not fatal. */
    private void keepConversation(Exchange exchange, ApiKey key, ChatRequest request, Router.RoutePlan plan, Served served,
            int status) {
        if (plan.route().settings().storage() == dev.bastion.gateway.config.Storage.OFF) {
            return;
        }
        String subject = exchange.header(subjectHeader).filter(s -> !s.isBlank() && s.length() <= 256)
                .orElse("key:" + key.id());
        ObjectNode metadata = dev.bastion.gateway.api.Json.MAPPER.createObjectNode();
        metadata.put("request_id", exchange.requestId());
        metadata.put("key_id", key.id());
        metadata.put("tenant", key.tenant());
        metadata.put("served_by", plan.model().name());
        metadata.put("location", plan.model().location().configName());
        metadata.put("status", status);
        metadata.put("prompt_tokens", served.promptTokens());
        metadata.put("completion_tokens", served.completionTokens());
        ObjectNode content = dev.bastion.gateway.api.Json.MAPPER.createObjectNode();
        content.set("messages", request.json().get("messages"));
        content.put("answer", served.answer());
        try {
            conversations.store(subject, exchange.requestId(), plan.route().settings(), request.model(), metadata, content);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "request " + exchange.requestId() + ": the conversation could not be stored ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /** Stages 6-8 for a complete answer: call, scan output, restore. */
    private Served complete(Exchange exchange, ChatRequest request, Router.RoutePlan plan, Rewrite rewrite, Trace trace,
            Optional<String> canary) {
        ObjectNode answer = trace.backend(plan, () -> plan.backend().complete(plan.model(), rewrite.upstreamRequest()));
        trace.stage("scan-output", () -> {
            canary.ifPresent(c -> answer.path("choices").forEach(choice -> PromptCanary.check(choice.toString(), c)));
            scanCompleteAnswer(plan.route(), answer, rewrite.pseudonymizer());
            return null;
        });
        trace.stage("restore", () -> {
            rewrite.restore(answer);
            return null;
        });
        answer.put("model", request.model());
        JsonNode u = answer.path("usage");
        Served served = new Served(u.path("prompt_tokens").asLong(0), u.path("completion_tokens").asLong(0),
                answer.at("/choices/0/message/content").asText(""));
        trace.status = 200;
        trace.event.promptTokens = served.promptTokens();
        trace.event.completionTokens = served.completionTokens();
        writeRecord(exchange, trace, true);
        exchange.respond(200, answer);
        return served;
    }

    private void scanCompleteAnswer(CompiledRoute route, ObjectNode answer, dev.bastion.guard.Pseudonymizer pseudonymizer) {
        if (route.outputScanners().isEmpty()) {
            return;
        }
        List<ObjectNode> messages = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (JsonNode choice : answer.path("choices")) {
            if (choice.path("message") instanceof ObjectNode m && m.path("content").isTextual()) {
                messages.add(m);
                texts.add(m.get("content").asText());
            }
        }
        List<String> checked = StreamGuard.checkOutput(route, texts, metrics, pseudonymizer::isSurrogate);
        for (int i = 0; i < messages.size(); i++) {
            messages.get(i).put("content", checked.get(i));
        }
    }

    /** Stages 6-8 for a stream: the relay scans and restores each chunk as it passes. */
    private Served stream(Exchange exchange, ChatRequest request, Router.RoutePlan plan, Rewrite rewrite, Trace trace,
            Optional<String> canary) {
        ObjectNode upstream = rewrite.upstreamRequest();
        upstream.put("stream", true);
        upstream.putObject("stream_options").put("include_usage", true);
        int window = Math.max(plan.route().streamWindow(guard), rewrite.pseudonymizer().longestSurrogate());
        StreamRelay relay = new StreamRelay(exchange, plan.route(), rewrite.pseudonymizer(), metrics, window,
                request.model(), request.includeUsage(), canary, guard.streamPadding(), guard.streamCoalesceBytes(),
                guard.streamCoalesceInterval());
        try {
            trace.backend(plan, () -> {
                plan.backend().stream(plan.model(), upstream, relay);
                return null;
            });
            relay.firstTokenAt().ifPresent(at -> metrics.timeToFirstToken(plan.model().name(), at - trace.started));
            if (relay.blocked() != null) {
                metrics.refusal(relay.blocked().error().code());
                trace.event.outcome = relay.blocked().error().code();
                trace.status = relay.started() ? 200 : relay.blocked().error().status();
            } else {
                trace.status = 200;
            }
            trace.event.promptTokens = relay.promptTokens();
            trace.event.completionTokens = relay.completionTokens();
            writeRecord(exchange, trace, true); // the stream ends ([DONE]) only once its record is written
            relay.finish();
        } catch (Refusal backendRefusal) {
            if (!relay.started()) {
                throw backendRefusal;
            }
            metrics.refusal(backendRefusal.error().code());
            trace.event.outcome = backendRefusal.error().code();
            relay.fail(backendRefusal.error());
        }
        return new Served(relay.promptTokens(), relay.completionTokens(), relay.answerText());
    }

    private static String explain(Router.RoutePlan plan, Verdict verdict) {
        String decision = switch (verdict) {
            case Verdict.Allow a -> "allow";
            case Verdict.Transform t -> "transform(redact=" + t.redact().size() + ",pseudonymise="
                    + t.pseudonymise().size() + ",force-local=" + t.forceLocal() + ")";
            case Verdict.Block b -> "block";
        };
        return "route=" + plan.route().name() + "; model=" + plan.model().name() + "; location="
                + plan.model().location().configName() + "; decision=" + decision + "; reason=" + plan.reason();
    }

    /** Per-request timing of stages and the labels of the final request metric. */
    private static final class Trace {
        private final GatewayMetrics metrics;
        final long started;
        final AuditTrail.Event event = new AuditTrail.Event();
        String route = "none";
        String model = "none";
        int status = 500;
        boolean recorded;
        long backendNanos;

        Trace(GatewayMetrics metrics, long started) {
            this.metrics = metrics;
            this.started = started;
        }

        <T> T stage(String name, java.util.function.Supplier<T> body) {
            try (var _ = metrics.startStage(name)) {
                return body.get();
            }
        }

        <T> T backend(Router.RoutePlan plan, BackendCall<T> call) {
            long start = System.nanoTime();
            try (var _ = metrics.startStage("backend")) {
                return call.run();
            } catch (BackendException e) {
                metrics.upstreamError(plan.model().name(), e.kind().name().toLowerCase(java.util.Locale.ROOT));
                throw new Refusal(BackendErrors.toApiError(plan.model().name(), e));
            } finally {
                long nanos = System.nanoTime() - start;
                backendNanos = nanos;
                metrics.backend(plan.model().backend(), plan.model().name(), nanos);
            }
        }
    }

    @FunctionalInterface
    private interface BackendCall<T> {
        T run() throws BackendException;
    }
}
