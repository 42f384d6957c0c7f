package dev.bastion.gateway.pipeline;

import dev.bastion.store.keys.ApiKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the stages of one request have established so far, for its audit record and its metrics: each stage returns
 * a new value with its part added; nothing is changed in place. Never holds prompt or answer text, matched values or
 * unvalidated names: the model is set only once it is a declared model name.
 *
 * @param startedNanos {@link System#nanoTime()} when the request arrived
 * @param endpoint the API, as the audit record names it ({@code chat.completions}, {@code embeddings}, ...)
 * @param key the caller, once authenticated
 * @param route the route's name, once known
 * @param model the declared model the client asked for, once validated
 * @param servedBy the model that answers, its location and why (route decided)
 * @param decision the policy's decision ({@code allow}, {@code transform}, {@code block}, ...)
 * @param controls every control that ran, in order
 * @param findings finding counts by type, from the policy's decision (in no order: the audit record sorts them)
 */
public record RequestFacts(String endpoint, String requestId, long startedNanos, Optional<ApiKey> key, Optional<String> route,
        Optional<String> model, Optional<Served> servedBy, Optional<String> decision, List<AuditRecord.Control> controls,
        Map<String, Integer> findings) {
    public RequestFacts {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(servedBy, "servedBy");
        Objects.requireNonNull(decision, "decision");
        controls = List.copyOf(controls);
        findings = Map.copyOf(findings); // the same instance when it already is a copy: stages pass it on as is
    }

    /** Where the request was served and why. */
    public record Served(String model, String location, String reason) {
        public Served {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(reason, "reason");
        }
    }

    public static RequestFacts start(String endpoint, String requestId, long startedNanos) {
        return new RequestFacts(endpoint, requestId, startedNanos, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), List.of(), Map.of());
    }

    public RequestFacts authenticated(ApiKey k) {
        return new RequestFacts(endpoint, requestId, startedNanos, Optional.of(k), route, model, servedBy, decision, controls, findings);
    }

    public RequestFacts routed(String routeName, String modelName) {
        return new RequestFacts(endpoint, requestId, startedNanos, key, Optional.of(routeName), Optional.of(modelName), servedBy,
                decision, controls, findings);
    }

    /** The input controls' results and the policy's decision. */
    public RequestFacts decided(String d, List<AuditRecord.Control> ran, Map<String, Integer> counts) {
        List<AuditRecord.Control> all = new ArrayList<>(controls);
        all.addAll(ran);
        Map<String, Integer> merged = new TreeMap<>(findings);
        merged.putAll(counts);
        return new RequestFacts(endpoint, requestId, startedNanos, key, route, model, servedBy, Optional.of(d), all, merged);
    }

    public RequestFacts servedBy(Served s) {
        return new RequestFacts(endpoint, requestId, startedNanos, key, route, model, Optional.of(s), decision, controls, findings);
    }

    public RequestFacts withDecision(String d) {
        return new RequestFacts(endpoint, requestId, startedNanos, key, route, model, servedBy, Optional.of(d), controls, findings);
    }

    public RequestFacts control(AuditRecord.Control c) {
        List<AuditRecord.Control> all = new ArrayList<>(controls);
        all.add(c);
        return new RequestFacts(endpoint, requestId, startedNanos, key, route, model, servedBy, decision, all, findings);
    }

    /** The audit record of a request that ended with {@code outcome}, now. */
    public AuditRecord close(Outcome outcome) {
        return new AuditRecord(this, outcome.status(), outcome.code(), outcome.usage(),
                (System.nanoTime() - startedNanos) / 1000);
    }
}
