package dev.bastion.gateway.telemetry;

import java.util.List;
import java.util.Optional;

/**
 * The route template of a request path, for span names and attributes: {@code /v1/models/gpt-4o} becomes
 * {@code /v1/models/{id}}. Paths can carry key ids, subject ids and request ids (a subject id may be personal
 * data), so a span never holds the path itself; a path that matches no template gives no route at all.
 */
public final class RouteTemplates {
    private static final List<String[]> TEMPLATES = List.of(
            "/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/moderations", "/v1/responses",
            "/v1/responses/{id}", "/v1/messages", "/v1/messages/count_tokens", "/v1/models", "/v1/models/{id}",
            "/admin/v1/keys", "/admin/v1/keys/{id}", "/admin/v1/keys/{id}/revoke", "/admin/v1/keys/{id}/rotate",
            "/admin/v1/subjects/{id}", "/admin/v1/subjects/{id}/export", "/admin/v1/requests/{id}", "/admin/v1/usage",
            "/healthz", "/readyz", "/metrics").stream().map(t -> t.substring(1).split("/")).toList();

    private RouteTemplates() {
    }

    /** The template {@code path} matches, if any ({@code {id}} matches one non-empty segment). */
    public static Optional<String> of(String path) {
        if (path == null || !path.startsWith("/")) {
            return Optional.empty();
        }
        String[] segments = path.substring(1).split("/", -1);
        for (String[] template : TEMPLATES) {
            if (matches(template, segments)) {
                return Optional.of("/" + String.join("/", template));
            }
        }
        return Optional.empty();
    }

    private static boolean matches(String[] template, String[] segments) {
        if (template.length != segments.length) {
            return false;
        }
        for (int i = 0; i < template.length; i++) {
            boolean wildcard = template[i].equals("{id}");
            if (wildcard ? segments[i].isEmpty() : !template[i].equals(segments[i])) {
                return false;
            }
        }
        return true;
    }
}
