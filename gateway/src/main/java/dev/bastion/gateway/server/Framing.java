package dev.bastion.gateway.server;

import dev.bastion.gateway.api.ApiError;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import java.util.List;
import java.util.Optional;

/**
 * Checks how a request says where its body ends, before anything reads the body. A request whose framing is
 * ambiguous or malformed is refused with 400 and its connection closed, because the server and a proxy in front of
 * it could disagree on where the next request starts (request smuggling).
 *
 * <p>This class is stateless and thread-safe.
 */
final class Framing {
    /** Longest Content-Length accepted as a number: 18 digits always fit in a {@code long}. */
    private static final int MAX_LENGTH_DIGITS = 18;

    /*
     * RFC 9112 section 6.1: a request with both Transfer-Encoding and Content-Length "ought to be handled as an
     * error", and a server "MUST respond with 400 and then close the connection" when a request's Transfer-Encoding
     * does not end in chunked. Section 6.3: an invalid Content-Length (a list of different values, or not a number)
     * is an unrecoverable framing error: 400 and close. Helidon 4.2.0 picked chunked when both were present (and
     * answered the bytes after the body as a second request), and read a negative Content-Length as "no length"
     * followed by a chunked body. Helidon 4.5.0 refuses all of these itself (HttpEdgeTest passes with this check
     * removed); the check stays so that the rule holds whatever the server version.
     *
     * Only "chunked" on its own is accepted: no client of an OpenAI-style API sends other transfer codings, and each
     * extra coding is one more place for two parsers to disagree. Repeated Content-Length lines are refused even
     * when equal, for the same reason.
     */

    private Framing() {
    }

    /** Why the request's framing is refused, or empty when it is sound. */
    static Optional<ApiError> check(Headers headers) {
        boolean transfer = headers.contains(HeaderNames.TRANSFER_ENCODING);
        boolean length = headers.contains(HeaderNames.CONTENT_LENGTH);
        if (transfer && length) {
            return Optional.of(ApiError.invalidRequest("ambiguous_framing", "The request has both Transfer-Encoding "
                    + "and Content-Length; send one of them (RFC 9112 section 6.1). The connection is closed."));
        }
        if (transfer && !onlyChunked(headers.all(HeaderNames.TRANSFER_ENCODING, List::of))) {
            return Optional.of(ApiError.invalidRequest("unsupported_transfer_encoding", "The only Transfer-Encoding "
                    + "accepted is 'chunked'. The connection is closed."));
        }
        if (length && !validLength(headers.all(HeaderNames.CONTENT_LENGTH, List::of))) {
            return Optional.of(ApiError.invalidRequest("invalid_content_length", "Content-Length must be one "
                    + "non-negative decimal number of at most " + MAX_LENGTH_DIGITS + " digits. The connection is closed."));
        }
        return Optional.empty();
    }

    private static boolean onlyChunked(List<String> values) {
        return values.size() == 1 && values.getFirst().strip().equalsIgnoreCase("chunked");
    }

    private static boolean validLength(List<String> values) {
        if (values.size() != 1) {
            return false;
        }
        String value = values.getFirst().strip();
        if (value.isEmpty() || value.length() > MAX_LENGTH_DIGITS) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
