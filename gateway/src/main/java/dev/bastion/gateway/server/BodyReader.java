package dev.bastion.gateway.server;

import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.api.Refusal;
import io.helidon.common.buffers.DataReader;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Reads a request body with a hard size limit, before anything parses it. A declared Content-Length over the limit
 * is refused without keeping any of it; an undeclared (chunked) body is read up to the limit and refused past it.
 *
 * <p>A refused body is still read and thrown away, up to {@link #LINGER_BYTES} and within the connection's read
 * deadline, before the 413 goes out and the connection closes (a lingering close, as nginx does). Closing a socket
 * with unread bytes in it makes the kernel send a reset, and a reset can destroy the 413 before the client has read
 * it: the client would see a broken connection instead of the reason. A client that asked for
 * {@code Expect: 100-continue} has sent nothing yet, so nothing is drained for it.
 */
final class BodyReader {
    private static final System.Logger LOG = System.getLogger(BodyReader.class.getName());

    /** The most a refused body is read for, to let its client finish sending and then read the refusal. */
    static final long LINGER_BYTES = 64L * 1024 * 1024;

    private BodyReader() {
    }

    static byte[] read(ServerRequest request, long limit) {
        long declared = request.headers().contentLength().orElse(-1);
        if (declared > limit) {
            try {
                if (declared <= LINGER_BYTES && !expectsContinue(request)) {
                    try (InputStream in = request.content().inputStream()) {
                        discard(in, declared);
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "refused body not drained (" + e.getClass().getSimpleName() + ")");
            } finally {
                ReadDeadline.disarm();
            }
            throw new Refusal(ApiError.payloadTooLarge(limit));
        }
        java.util.List<String> types = request.headers().all(HeaderNames.CONTENT_TYPE, java.util.List::of); // no mapper look-up
        String type = types.isEmpty() ? "application/json" : types.getFirst();
        if (!type.regionMatches(true, 0, "application/json", 0, "application/json".length())) {
            throw new Refusal(ApiError.unsupportedMediaType());
        }
        if (!request.content().hasEntity()) {
            return new byte[0];
        }
        if (declared >= 0) {
            return readDeclared(request, (int) declared);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        byte[] buffer = new byte[16384];
        try (InputStream in = request.content().inputStream()) {
            long total = 0;
            int n;
            while ((n = in.read(buffer)) > 0) {
                total += n;
                if (total > limit) {
                    discard(in, LINGER_BYTES - total);
                    throw new Refusal(ApiError.payloadTooLarge(limit));
                }
                out.write(buffer, 0, n);
            }
        } catch (Refusal r) {
            throw r;
        } catch (IOException | UncheckedIOException | DataReader.InsufficientDataAvailableException e) {
            throw new Refusal(ApiError.invalidRequest("body_read_failed",
                    "The request body could not be read completely (the connection broke or timed out)."));
        } catch (RuntimeException e) {
            // Helidon decodes the chunked framing while we read: a malformed chunk size surfaces here as a
            // NumberFormatException or an HTTP exception. That is the client's framing, not a gateway fault.
            LOG.log(System.Logger.Level.DEBUG, "unreadable request body framing (" + e.getClass().getSimpleName() + ")");
            throw new Refusal(ApiError.invalidRequest("invalid_body_framing",
                    "The request body's chunked framing is malformed (RFC 9112 section 7.1). The connection is closed."));
        } finally {
            ReadDeadline.disarm();
        }
        return out.toByteArray();
    }

    /**
     * A body of a declared length (within the limit, checked by the caller), read straight into its array: no
     * buffer, no copy. Helidon ends the entity at the declared length, so nothing more can be read.
     */
    private static byte[] readDeclared(ServerRequest request, int declared) {
        byte[] body = new byte[declared];
        int off = 0;
        try (InputStream in = request.content().inputStream()) {
            int n;
            while (off < declared && (n = in.read(body, off, declared - off)) > 0) {
                off += n;
            }
        } catch (IOException | RuntimeException e) { // a broken connection, a read timeout, Helidon's framing checks
            LOG.log(System.Logger.Level.DEBUG, "request body not read (" + e.getClass().getSimpleName() + ")");
            off = -1;
        } finally {
            ReadDeadline.disarm();
        }
        if (off != declared) {
            throw new Refusal(ApiError.invalidRequest("body_read_failed",
                    "The request body could not be read completely (the connection broke or timed out)."));
        }
        return body;
    }

    private static boolean expectsContinue(ServerRequest request) {
        return request.headers().all(HeaderNames.EXPECT, java.util.List::of).stream()
                .anyMatch(v -> v.equalsIgnoreCase("100-continue"));
    }

    /** Reads and drops up to {@code most} bytes; a failure to read just ends it (the refusal goes out regardless). */
    private static void discard(InputStream in, long most) {
        byte[] sink = new byte[65536];
        long left = most;
        try {
            int n;
            while (left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) > 0) {
                left -= n;
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "refused body drain ended (" + e.getClass().getSimpleName() + ")");
        }
    }
}
