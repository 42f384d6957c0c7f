package dev.bastion.gateway.server;

import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;

/**
 * Ends an HTTP/1.1 connection right after a response that says {@code Connection: close}: because the client asked
 * for it, or because the gateway decided it (bad framing, a refused body, shutting down).
 *
 * <p>This class is stateless and thread-safe.
 */
final class ConnectionClose {
    /*
     * RFC 9112 section 9.6: a server that receives a "close" connection option "MUST initiate closure of the
     * connection after it sends the final response", and one that sends "close" "MUST NOT" read further requests on
     * that connection. Helidon WebServer 4.4.0 to 4.5.3 answers with "Connection: close" but then waits for the next
     * request until the idle timeout (helidon-io/helidon#12324, fixed after 4.5.3; 4.4.0 checked here has it too).
     * A client that reads to the end of the stream (HTTP/1.0-style clients, scripts, some proxies) waits that long.
     *
     * The way out that Helidon offers its own code is CloseConnectionException: routing's error handling lets it
     * through, and the connection handler logs it at TRACE, flushes the writer and closes the socket. It is thrown
     * only after the whole response is sent (a streamed one included: the handler returns once its stream is
     * closed), so nothing the client was promised is cut. A refused body is drained before its answer goes out
     * (BodyReader), so the close does not reset the connection with unread bytes.
     *
     * The option is a comma-separated, case-insensitive token list that may be spread over several Connection
     * lines ("Connection: TE, Close"); Helidon's own check matches only the exact value "close".
     */

    private ConnectionClose() {
    }

    /** Whether the request's {@code Connection} header lists the {@code close} option. */
    static boolean requested(Headers headers) {
        return listsClose(headers.all(HeaderNames.CONNECTION, List::of));
    }

    /**
     * Closes the connection once {@code res} has been sent when it carries {@code Connection: close}; returns normally
     * otherwise (a response not sent yet is left to the server, which sends its own).
     *
     * @throws CloseConnectionException to make the server close the connection
     */
    static void afterResponse(ServerResponse res) {
        if (res.isSent() && listsClose(res.headers().all(HeaderNames.CONNECTION, List::of))) {
            throw new CloseConnectionException("Connection: close");
        }
    }

    static boolean listsClose(List<String> values) {
        for (String value : values) {
            int start = 0;
            while (start <= value.length()) {
                int comma = value.indexOf(',', start);
                int end = comma < 0 ? value.length() : comma;
                if (value.substring(start, end).strip().equalsIgnoreCase("close")) {
                    return true;
                }
                start = end + 1;
            }
        }
        return false;
    }
}
