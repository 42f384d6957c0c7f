package dev.bastion.gateway.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.api.ChatRequest;
import dev.bastion.guard.Finding;
import dev.bastion.guard.Pseudonymizer;
import dev.bastion.guard.Redactor;
import dev.bastion.guard.Verdict;
import dev.bastion.guard.pseudonym.PseudonymTable;
import dev.bastion.guard.pseudonym.PseudonymVault;
import dev.bastion.guard.pseudonym.Restorer;
import dev.bastion.guard.pseudonym.Style;
import dev.bastion.guard.pseudonym.Surrogates;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Stage 5: applies a verdict's redactions and pseudonymisations to the request, and later restores pseudonyms in
 * the answer. Where a redaction and a pseudonymisation overlap, the earlier span wins (see {@link Redactor}).
 *
 * <p>With a conversation scope (the {@code x-bastion-conversation} header, see {@link ChatEndpoint}) surrogates
 * come from, and are added to, that conversation's table in the {@link PseudonymVault}, so a value keeps its
 * surrogate across the requests of one conversation; without one, the table lives for this request only. A new
 * surrogate never already occurs in the request's texts. One instance per request; not thread-safe.
 */
public final class Rewrite {
    private static final Map<Style, Surrogates> SURROGATES = Map.of(Style.TAG, Surrogates.of(Style.TAG),
            Style.REALISTIC, Surrogates.of(Style.REALISTIC));

    private final ObjectNode upstreamRequest;
    private final Pseudonymizer pseudonymizer;

    private Rewrite(ObjectNode upstreamRequest, Pseudonymizer pseudonymizer) {
        this.upstreamRequest = upstreamRequest;
        this.pseudonymizer = pseudonymizer;
    }

    /** Rewrites with a per-request table of tag surrogates. */
    public static Check<Rewrite> apply(ChatRequest request, Verdict verdict) {
        return apply(request, verdict, Style.TAG, Optional.empty(), Optional.empty());
    }

    /**
     * Rewrites the request.
     *
     * @param style what new surrogates look like
     * @param vault where conversation tables live
     * @param scope the key and conversation, if the request named a conversation
     * @return the rewrite, or 503 {@code pseudonym_vault_full} when the vault cannot take another conversation
     */
    public static Check<Rewrite> apply(ChatRequest request, Verdict verdict, Style style, Optional<PseudonymVault> vault,
            Optional<PseudonymVault.Scope> scope) {
        if (!(verdict instanceof Verdict.Transform t) || (t.redact().isEmpty() && t.pseudonymise().isEmpty())) {
            return Check.pass(new Rewrite(request.json().deepCopy(), new Pseudonymizer()));
        }
        if (t.pseudonymise().isEmpty() || vault.isEmpty() || scope.isEmpty()) {
            return Check.pass(rewrite(request, t, new PseudonymTable(), style));
        }
        return vault.get().update(scope.get(), table -> rewrite(request, t, table, style)).<Check<Rewrite>>map(Check::pass)
                .orElseGet(() -> Check.refuse(ApiError.overloaded("pseudonym_vault_full", "Too many conversations hold pseudonyms right now; retry later "
                        + "or without the " + ChatEndpoint.CONVERSATION_HEADER + " header.")));
    }

    private static Rewrite rewrite(ChatRequest request, Verdict.Transform t, PseudonymTable table, Style style) {
        List<String> texts = request.texts();
        Pseudonymizer pseudonymizer = new Pseudonymizer(table, SURROGATES.get(style), Pseudonymizer.occurringIn(texts));
        Set<Finding> redact = new HashSet<>(t.redact());
        List<Finding> all = new ArrayList<>(t.redact());
        all.addAll(t.pseudonymise());
        List<String> rewritten = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            String original = texts.get(i);
            rewritten.add(Redactor.rewrite(original, i, all, f -> redact.contains(f)
                    ? "[" + f.type() + "]"
                    : pseudonymizer.surrogate(f.type(), original.substring(f.start(), f.end()))));
        }
        ObjectNode upstream = request.withTexts(rewritten);
        replaceKnownValuesInToolCalls(upstream, table);
        return new Rewrite(upstream, pseudonymizer);
    }

    /**
     * Earlier assistant turns may carry tool calls whose arguments hold values the client got back restored; the
     * scanners do not see arguments, so every value the table knows is replaced by its surrogate there too.
     */
    private static void replaceKnownValuesInToolCalls(ObjectNode upstream, PseudonymTable table) {
        if (table.isEmpty()) {
            return;
        }
        for (JsonNode message : upstream.path("messages")) {
            for (JsonNode call : message.path("tool_calls")) {
                if (call.path("function") instanceof ObjectNode fn && fn.path("arguments").isTextual()) {
                    String args = fn.get("arguments").asText();
                    for (PseudonymTable.Entry e : table.entries()) {
                        args = args.replace(e.value(), e.surrogate());
                        args = args.replace(Restorer.jsonEscape(e.value()), Restorer.jsonEscape(e.surrogate()));
                    }
                    fn.put("arguments", args);
                }
            }
        }
    }

    /** The request to send upstream (a copy; the client's request is untouched). */
    public ObjectNode upstreamRequest() {
        return upstreamRequest;
    }

    public Pseudonymizer pseudonymizer() {
        return pseudonymizer;
    }

    /**
     * Restores pseudonyms in every choice of a complete answer: message content, and tool-call arguments (JSON
     * text, where the model may have escaped the surrogate and where originals are written JSON-escaped).
     */
    public void restore(ObjectNode answer) {
        if (pseudonymizer.isEmpty()) {
            return;
        }
        for (JsonNode choice : answer.path("choices")) {
            if (choice.path("message") instanceof ObjectNode m) {
                if (m.path("content").isTextual()) {
                    m.put("content", pseudonymizer.restore(m.get("content").asText()));
                }
                for (JsonNode call : m.path("tool_calls")) {
                    if (call.path("function") instanceof ObjectNode fn && fn.path("arguments").isTextual()) {
                        fn.put("arguments", Restorer.restore(pseudonymizer.table(), fn.get("arguments").asText(),
                                Restorer.Escaping.JSON_STRING));
                    }
                }
            }
        }
    }

    /**
     * The texts with every span the verdict redacts or pseudonymises replaced by its type tag: for what cannot be
     * restored (an embedding, an answer going to the client).
     */
    static List<String> asTags(List<String> texts, Verdict.Transform t) {
        List<Finding> all = new ArrayList<>(t.redact());
        all.addAll(t.pseudonymise());
        List<String> out = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            out.add(Redactor.redact(texts.get(i), i, all));
        }
        return out;
    }
}
