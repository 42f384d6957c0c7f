package dev.bastion.gateway.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.api.ChatRequest;
import dev.bastion.gateway.api.Json;
import dev.bastion.gateway.api.RequestBodies;
import dev.bastion.gateway.config.GuardSettings;
import dev.bastion.gateway.config.Location;
import dev.bastion.gateway.config.Storage;
import dev.bastion.store.keys.ApiKey;
import dev.bastion.gateway.metrics.GatewayMetrics;
import dev.bastion.guard.Verdict;
import dev.bastion.guard.pseudonym.PseudonymVault;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code /v1/chat/completions}, and the APIs translated onto it (Responses, Completions, Anthropic Messages). Its
 * stages, after {@link Pipeline}'s authenticate and admit, in {@link #serve}:
 *
 * <ol>
 *   <li>parse: the body as a chat request (a dialect's translation for the other APIs)</li>
 *   <li>route lookup: the declared model this key may call and the route that covers it</li>
 *   <li>scan input: the route's input scanners and its policy ({@link InputGuard})</li>
 *   <li>route: which model and backend answer, honouring local-only routes and force-local verdicts</li>
 *   <li>pseudonymise: redact and pseudonymise what the verdict says for that destination ({@link Rewrite}), and
 *       plant the prompt canary when the route asks for one</li>
 *   <li>backend: streamed or not</li>
 *   <li>scan output and restore: whole answers here, streams chunk by chunk in {@link StreamRelay}</li>
 * </ol>
 *
 * <p>Conversations: a client that sends the same {@value #CONVERSATION_HEADER} header (1 to 128 letters, digits,
 * {@code . _ : -}) on every request of a conversation gets the same surrogates for the same values throughout it,
 * and answers that mention surrogates from earlier requests are restored; the pseudonyms are kept per API key and
 * conversation, so only the key that sent a value can have it restored. Without the header, every request is its
 * own conversation. Thread-safe.
 */
public final class ChatEndpoint implements Endpoint {
    private static final System.Logger LOG = System.getLogger(ChatEndpoint.class.getName());
    /** The request header naming the conversation a request belongs to. */
    public static final String CONVERSATION_HEADER = "x-bastion-conversation";
    private static final java.util.regex.Pattern CONVERSATION_ID = java.util.regex.Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private final InputGuard inputGuard;
    private final Router router;
    private final GatewayMetrics metrics;
    private final ConversationVault conversations;
    private final String subjectHeader;
    private final GuardSettings guard;
    private final PseudonymVault pseudonyms;
    private final AuditTrail audit;

    public ChatEndpoint(Stages stages, GuardSettings guard) {
        this.audit = stages.audit();
        this.inputGuard = stages.inputGuard();
        this.router = stages.router();
        this.metrics = stages.metrics();
        this.conversations = stages.conversations();
        this.subjectHeader = stages.subjectHeader();
        this.pseudonyms = stages.pseudonyms();
        this.guard = Objects.requireNonNull(guard, "guard");
    }

    @Override
    public String name(Exchange exchange) {
        return exchange.endpoint();
    }

    @Override
    public Served serve(Exchange exchange, ApiKey key, RequestFacts facts) {
        Check<ChatRequest> parsed = Pipeline.stage(metrics, "parse", () -> Check.of(() -> parse(exchange)));
        if (!(parsed instanceof Check.Pass<ChatRequest>(ChatRequest request))) {
            return Served.stopped(parsed.stopped(), facts);
        }
        Check<CompiledRoute> covered = router.routeFor(key, request.model());
        if (!(covered instanceof Check.Pass<CompiledRoute>(CompiledRoute route))) {
            return Served.stopped(covered.stopped(), facts);
        }
        facts = facts.routed(route.name(), request.model()); // only now is the model a declared name, safe to record
        InputGuard.Decision scanned = Pipeline.stage(metrics, "scan-input",
                () -> inputGuard.check(route, request.texts(), request.roles()));
        facts = scanned.addTo(facts);
        Optional<ApiError> blocked = scanned.refusal(route);
        if (blocked.isPresent()) {
            return Served.stopped(new Outcome.Refused(blocked.get()), facts);
        }
        Check<Router.RoutePlan> planned = Pipeline.stage(metrics, "route",
                () -> router.decide(route, request.model(), scanned.verdict()));
        if (!(planned instanceof Check.Pass<Router.RoutePlan>(Router.RoutePlan decided))) {
            return Served.stopped(planned.stopped(), facts);
        }
        // A pool of servers keeps a conversation on one server (its prompt cache); other backends ignore this.
        Router.RoutePlan plan = decided.forConversation(exchange.header(CONVERSATION_HEADER).map(c -> key.id() + "\u0000" + c));
        // Values the policy hides only from cloud models are pseudonymised now that the destination is known.
        Verdict verdict = scanned.verdict().forDestination(plan.model().location() != Location.LOCAL);
        if (verdict != scanned.verdict()) {
            facts = facts.withDecision(verdict instanceof Verdict.Allow ? "allow" : "transform");
        }
        facts = facts.servedBy(new RequestFacts.Served(plan.model().name(), plan.model().location().configName(),
                plan.reason())).control(new AuditRecord.Control("route", "decide", Map.of(), 0,
                plan.model().name() + " (" + plan.model().location().configName() + ")"));
        for (dev.bastion.guard.Scanner s : route.outputScanners()) {
            facts = facts.control(new AuditRecord.Control(s.id(), "output", Map.of(), 0, null));
        }
        exchange.responseHeader("x-bastion-route", explain(plan, verdict));
        Check<Rewrite> rewritten = Pipeline.stage(metrics, "pseudonymise", () -> conversation(exchange, key)
                .then(scope -> Rewrite.apply(request, verdict, route.settings().pseudonyms(), Optional.of(pseudonyms), scope)));
        if (!(rewritten instanceof Check.Pass<Rewrite>(Rewrite rewrite))) {
            return Served.stopped(rewritten.stopped(), facts);
        }
        Optional<String> canary = route.settings().promptCanary()
                ? Optional.of(PromptCanary.plant(rewrite.upstreamRequest())) : Optional.empty();
        long called = System.nanoTime();
        Answer answer = request.stream()
                ? stream(exchange, request, plan, rewrite, canary, facts.startedNanos())
                : complete(exchange, request, plan, rewrite, canary);
        metrics.generation(plan.model().name(), answer.outcome().usage().completionTokens(), System.nanoTime() - called);
        return new Served(answer.outcome(), facts, String.join("\n", request.texts()),
                () -> keepConversation(exchange, key, request, plan, answer));
    }

    /** The outcome of the backend call, scanned and restored, and choice 0's text as the client receives it. */
    private record Answer(Outcome outcome, java.util.function.Supplier<String> text) {
    }

    /** Parse: the request body as a chat request; for a dialect, its translation (which may refuse). */
    private static ChatRequest parse(Exchange exchange) {
        byte[] body = exchange.body();
        ChatRequest request = ChatRequest.from(RequestBodies.parseObject(body, body.length));
        if (request.json().has(ChatRequest.TEXT_COMPLETION) && !"completions".equals(exchange.endpoint())) {
            throw new dev.bastion.gateway.api.Refusal(ApiError.invalidParam(ChatRequest.TEXT_COMPLETION, "Unknown field '"
                    + ChatRequest.TEXT_COMPLETION + "'; for a plain text continuation use POST /v1/completions."));
        }
        return request;
    }

    /** The request's conversation scope, from {@value #CONVERSATION_HEADER}; empty: this request alone. */
    private static Check<Optional<PseudonymVault.Scope>> conversation(Exchange exchange, ApiKey key) {
        Optional<String> id = exchange.header(CONVERSATION_HEADER);
        if (id.isEmpty()) {
            return Check.pass(Optional.empty());
        }
        if (!CONVERSATION_ID.matcher(id.get()).matches()) {
            return Check.refuse(ApiError.invalidRequest("invalid_conversation_id", "The " + CONVERSATION_HEADER
                    + " header must be 1 to 128 letters, digits, '.', '_', ':' or '-'."));
        }
        return Check.pass(Optional.of(new PseudonymVault.Scope(key.id(), id.get())));
    }

    /** Backend, scan output and restore for a complete answer. */
    private Answer complete(Exchange exchange, ChatRequest request, Router.RoutePlan plan, Rewrite rewrite,
            Optional<String> canary) {
        Check<ObjectNode> called = Upstream.call(metrics, plan, () -> plan.backend().complete(plan.model(), rewrite.upstreamRequest()));
        if (!(called instanceof Check.Pass<ObjectNode>(ObjectNode answer))) {
            return new Answer(called.stopped(), () -> "");
        }
        JsonNode u = answer.path("usage");
        Outcome.Usage usage = new Outcome.Usage(Math.max(0, u.path("prompt_tokens").asLong(0)),
                Math.max(0, u.path("completion_tokens").asLong(0)));
        Optional<ApiError> blocked = Pipeline.stage(metrics, "scan-output", () -> scanCompleteAnswer(plan.route(), answer,
                rewrite.pseudonymizer(), canary));
        if (blocked.isPresent()) {
            return new Answer(new Outcome.Refused(blocked.get(), usage), () -> "");
        }
        Pipeline.stage(metrics, "restore", () -> {
            rewrite.restore(answer);
            return null;
        });
        answer.put("model", request.model());
        if (!exchange.readsInternalFields()) {
            removeInternalFields(answer);
        }
        return new Answer(new Outcome.Answered(new Outcome.Reply.Whole(answer), usage),
                () -> answer.at("/choices/0/message/content").asText(""));
    }

    /** Removes Bastion's own choice fields ({@link dev.bastion.gateway.backend.ChatBackend#STOP_SEQUENCE}) from an answer or chunk. */
    static void removeInternalFields(ObjectNode answer) {
        for (JsonNode choice : answer.path("choices")) {
            if (choice instanceof ObjectNode c) {
                c.remove(dev.bastion.gateway.backend.ChatBackend.STOP_SEQUENCE);
            }
        }
    }

    /** The output guard over every choice's text, rewritten in place; the refusal when it blocks. */
    private Optional<ApiError> scanCompleteAnswer(CompiledRoute route, ObjectNode answer,
            dev.bastion.guard.Pseudonymizer pseudonymizer, Optional<String> canary) {
        if (canary.isPresent()) { // the choices as JSON text only when there is a canary to look for in them
            List<String> choices = new ArrayList<>();
            answer.path("choices").forEach(choice -> choices.add(choice.toString()));
            Optional<ApiError> leak = OutputGuard.canaryLeak(choices, canary);
            if (leak.isPresent()) {
                return leak;
            }
        }
        if (route.outputScanners().isEmpty()) {
            return Optional.empty();
        }
        List<ObjectNode> messages = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (JsonNode choice : answer.path("choices")) {
            if (choice.path("message") instanceof ObjectNode m && m.path("content").isTextual()) {
                messages.add(m);
                texts.add(m.get("content").asText());
            }
        }
        return switch (OutputGuard.check(route, texts, metrics, pseudonymizer::isSurrogate, Optional.empty())) {
            case OutputGuard.Result.Blocked b -> Optional.of(b.error());
            case OutputGuard.Result.Pass p -> {
                for (int i = 0; i < messages.size(); i++) {
                    messages.get(i).put("content", p.texts().get(i));
                }
                yield Optional.empty();
            }
        };
    }

    /** Backend, scan output and restore for a stream: the relay guards each chunk as it passes. */
    private Answer stream(Exchange exchange, ChatRequest request, Router.RoutePlan plan, Rewrite rewrite,
            Optional<String> canary, long started) {
        // A stream's record comes only at its end, maybe minutes away: group commits must not wait for it.
        audit.settle(exchange.requestId());
        ObjectNode upstream = rewrite.upstreamRequest();
        upstream.put("stream", true);
        upstream.putObject("stream_options").put("include_usage", true);
        int window = Math.max(plan.route().streamWindow(guard), rewrite.pseudonymizer().longestSurrogate());
        ChunkGuard chunks = new ChunkGuard(plan.route(), rewrite.pseudonymizer(), metrics, window, canary);
        StreamRelay relay = new StreamRelay(exchange, chunks, request.model(), request.includeUsage(),
                guard.streamPadding(), guard.streamCoalesceBytes(), guard.streamCoalesceInterval());
        Check<StreamRelay> relayed = Upstream.call(metrics, plan, () -> {
            relay.calling(started);
            plan.backend().stream(plan.model(), upstream, relay);
            return relay;
        });
        relay.firstTokenAt().ifPresent(at -> metrics.timeToFirstToken(plan.model().name(), at - started));
        Outcome outcome = switch (relayed) {
            case Check.Pass<StreamRelay> p -> relay.outcome();
            case Check.Stop<StreamRelay>(Outcome.Failed failed) -> relay.broken(failed.error());
            case Check.Stop<StreamRelay>(Outcome other) -> other;
        };
        return new Answer(outcome, relay::answerText);
    }

    /** Keep (stored conversations): what the route's storage policy says; a failure is logged, not fatal. */
    private void keepConversation(Exchange exchange, ApiKey key, ChatRequest request, Router.RoutePlan plan, Answer answer) {
        if (plan.route().settings().storage() == Storage.OFF) {
            return;
        }
        Outcome.Usage usage = answer.outcome().usage();
        String subject = exchange.header(subjectHeader).filter(s -> !s.isBlank() && s.length() <= 256)
                .orElse("key:" + key.id());
        ObjectNode metadata = Json.MAPPER.createObjectNode();
        metadata.put("request_id", exchange.requestId());
        metadata.put("key_id", key.id());
        metadata.put("tenant", key.tenant());
        metadata.put("served_by", plan.model().name());
        metadata.put("location", plan.model().location().configName());
        metadata.put("status", answer.outcome().status());
        metadata.put("prompt_tokens", usage.promptTokens());
        metadata.put("completion_tokens", usage.completionTokens());
        ObjectNode content = Json.MAPPER.createObjectNode();
        content.set("messages", request.json().get("messages"));
        content.put("answer", answer.text().get());
        try {
            conversations.store(subject, exchange.requestId(), plan.route().settings(), request.model(), metadata, content);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "request " + exchange.requestId() + ": the conversation could not be stored ("
                    + e.getClass().getSimpleName() + ")");
        }
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
}
