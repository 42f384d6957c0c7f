package dev.bastion.console;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** One console request and its response, with the few things the handlers ask of them. */
final class WebCall {
    /** Largest form accepted: the console's forms are a few fields. */
    static final int MAX_FORM_BYTES = 16 * 1024;

    private final ServerRequest req;
    private final ServerResponse res;
    private Map<String, String> form;

    WebCall(ServerRequest req, ServerResponse res) {
        this.req = req;
        this.res = res;
    }

    ServerRequest request() {
        return req;
    }

    ServerResponse response() {
        return res;
    }

    boolean isGet() {
        String m = req.prologue().method().text();
        return m.equals("GET") || m.equals("HEAD");
    }

    Optional<String> header(String name) {
        return req.headers().first(HeaderNames.create(name));
    }

    Optional<String> query(String name) {
        return req.query().first(name).asOptional().map(String::strip).filter(s -> !s.isEmpty());
    }

    Optional<String> pathParam(String name) {
        return req.path().pathParameters().first(name).asOptional();
    }

    Optional<String> cookie(String name) {
        return req.headers().cookies().first(name).asOptional();
    }

    boolean fromLoopback() {
        return req.remotePeer().address() instanceof InetSocketAddress a && a.getAddress() != null
                && a.getAddress().isLoopbackAddress();
    }

    String remoteAddress() {
        return req.remotePeer().address() instanceof InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress() : "unknown";
    }

    boolean secure() {
        return req.isSecure();
    }

    /** The fields of an {@code application/x-www-form-urlencoded} body (the first value of each name). */
    Map<String, String> form() {
        if (form != null) {
            return form;
        }
        form = new LinkedHashMap<>();
        if (!req.content().hasEntity()) {
            return form;
        }
        byte[] body;
        try (InputStream in = req.content().inputStream()) {
            body = in.readNBytes(MAX_FORM_BYTES + 1);
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read the form", e);
        }
        if (body.length > MAX_FORM_BYTES) {
            throw new IllegalArgumentException("the form is larger than " + MAX_FORM_BYTES + " bytes");
        }
        for (String pair : new String(body, StandardCharsets.US_ASCII).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            form.putIfAbsent(name, value);
        }
        return form;
    }

    Optional<String> field(String name) {
        return Optional.ofNullable(form().get(name)).map(String::strip).filter(s -> !s.isEmpty());
    }

    void addCookie(String setCookie) {
        res.headers().add(HeaderNames.SET_COOKIE, setCookie);
    }

    void html(int status, String html) {
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        res.send(html.getBytes(StandardCharsets.UTF_8));
    }

    void json(int status, String json) {
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(json.getBytes(StandardCharsets.UTF_8));
    }

    /** 303 to a path of this console (never a URL taken from the request). */
    void redirect(String path) {
        if (!path.startsWith("/") || path.startsWith("//")) {
            throw new IllegalArgumentException("redirects stay on the console");
        }
        res.status(Status.SEE_OTHER_303);
        res.header(HeaderNames.LOCATION, path);
        res.send();
    }
}
