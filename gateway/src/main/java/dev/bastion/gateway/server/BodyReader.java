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
 * is refused without reading; an undeclared (chunked) body is read up to the limit and refused past it.
 */
final class BodyReader {
    private static final System.Logger LOG = System.getLogger(BodyReader.class.getName());

    private BodyReader() {
    }

    static byte[] read(ServerRequest request, long limit) {
        long declared = request.headers().contentLength().orElse(-1);
        if (declared > limit) {
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
        ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 8192);
        byte[] buffer = new byte[16384];
        try (InputStream in = request.content().inputStream()) {
            long total = 0;
            int n;
            while ((n = in.read(buffer)) > 0) {
                total += n;
                if (total > limit) {
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
}
