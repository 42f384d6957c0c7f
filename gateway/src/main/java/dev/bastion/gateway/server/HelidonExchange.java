package dev.bastion.gateway.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.pipeline.Exchange;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** {@link Exchange} over a Helidon request and response. One per request; not thread-safe. */
final class HelidonExchange implements Exchange {
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LINE = "\n".getBytes(StandardCharsets.US_ASCII);
    private static final java.util.regex.Pattern EVENT_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9._]{1,64}");
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

    private final ServerRequest request;
    private final ServerResponse response;
    private final String requestId;
    private final byte[] body;
    private boolean started;

    HelidonExchange(ServerRequest request, ServerResponse response, String requestId, byte[] body) {
        this.request = request;
        this.response = response;
        this.requestId = requestId;
        this.body = body;
    }

    @Override
    public String requestId() {
        return requestId;
    }

    @Override
    public Optional<String> header(String name) {
        // The first raw value: Headers.first and Header.get go through Helidon's mapper registry on every call
        // (a service look-up that showed as 9% of a profile); the strings are already there.
        List<String> values = request.headers().all(HeaderNames.create(name), List::of);
        return values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    @Override
    public byte[] body() {
        return body;
    }

    @Override
    public void responseHeader(String name, String value) {
        response.header(name, value);
    }

    @Override
    public void respond(int status, ObjectNode json) {
        started = true;
        Responses.json(response, status, json);
    }

    @Override
    public void respondError(ApiError error) {
        started = true;
        Responses.error(response, error);
    }

    @Override
    public boolean responseStarted() {
        return started || response.isSent();
    }

    @Override
    public EventStream openEventStream() {
        started = true;
        response.status(Status.OK_200);
        response.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        response.header(HeaderNames.CACHE_CONTROL, "no-cache");
        response.header("X-Accel-Buffering", "no");
        OutputStream out = response.outputStream();
        return new EventStream() {
            private boolean open = true;

            @Override
            public boolean send(String data) {
                return write(null, data);
            }

            @Override
            public boolean send(String event, String data) {
                if (!EVENT_NAME.matcher(event).matches()) {
                    throw new IllegalArgumentException("not an event name");
                }
                return write(event, data);
            }

            private boolean write(String event, String data) {
                if (!open) {
                    return false;
                }
                try {
                    if (event != null) {
                        out.write(EVENT);
                        out.write(event.getBytes(StandardCharsets.US_ASCII));
                        out.write(LINE);
                    }
                    out.write(DATA);
                    out.write(data.getBytes(StandardCharsets.UTF_8));
                    out.write(END);
                    out.flush();
                    return true;
                } catch (IOException | UncheckedIOException | io.helidon.webserver.ServerConnectionException e) {
                    open = false; // the client has gone (Helidon reports a broken pipe as ServerConnectionException)
                    return false;
                }
            }

            @Override
            public void close() {
                if (open) {
                    open = false;
                    try {
                        out.close();
                    } catch (IOException | UncheckedIOException | io.helidon.webserver.ServerConnectionException e) {
                        // the client has gone; nothing to tell it
                    }
                }
            }
        };
    }
}
