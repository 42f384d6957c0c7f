package dev.bastion.models.pull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real HTTP server on 127.0.0.1 and an ephemeral port that serves one file at {@code /model.gguf} the way a
 * model host does (ETag, Range with 206 and Content-Range, If-Range, 416), with switches to misbehave: cut the
 * connection after some bytes, ignore Range. Also {@code /redirect} (302 to the file), {@code /missing} (404) and
 * {@code /fail} (500). Records every Range header it sees.
 */
final class FileServer implements AutoCloseable {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    private final HttpServer server;
    private final java.util.concurrent.ExecutorService executor =
            java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
    final List<String> ranges = new CopyOnWriteArrayList<>();
    final List<String> ifRanges = new CopyOnWriteArrayList<>();
    volatile byte[] content;
    volatile String etag = "\"v1\"";
    /** Stop after this many body bytes of the next response only (-1: never). */
    volatile long cutAfter = -1;
    volatile boolean ignoreRange;
    /** Send this many body bytes of the next response, then wait for {@link #release} (-1: never stall). */
    volatile long stallAfter = -1;
    final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    volatile int requests;

    FileServer(byte[] content) throws IOException {
        this.content = content;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/model.gguf", this::serve);
        server.createContext("/redirect", ex -> {
            requests++;
            ex.getResponseHeaders().add("Location", "/model.gguf");
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        server.createContext("/missing", ex -> status(ex, 404));
        server.createContext("/fail", ex -> status(ex, 500));
        server.start();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private void status(HttpExchange ex, int code) throws IOException {
        requests++;
        byte[] body = ("status " + code).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ex.sendResponseHeaders(code, body.length);
        ex.getResponseBody().write(body);
        ex.close();
    }

    private void serve(HttpExchange ex) throws IOException {
        requests++;
        byte[] body = content;
        String range = ex.getRequestHeaders().getFirst("Range");
        String ifRange = ex.getRequestHeaders().getFirst("If-Range");
        if (range != null) {
            ranges.add(range);
        }
        if (ifRange != null) {
            ifRanges.add(ifRange);
        }
        ex.getResponseHeaders().add("ETag", etag);
        ex.getResponseHeaders().add("Accept-Ranges", "bytes");
        Matcher m = range == null ? null : RANGE.matcher(range);
        boolean useRange = m != null && m.matches() && !ignoreRange && (ifRange == null || ifRange.equals(etag));
        int start = 0;
        if (useRange) {
            long from = Long.parseLong(m.group(1));
            if (from >= body.length) {
                ex.getResponseHeaders().add("Content-Range", "bytes */" + body.length);
                ex.sendResponseHeaders(416, -1);
                ex.close();
                return;
            }
            start = (int) from;
            ex.getResponseHeaders().add("Content-Range", "bytes " + start + "-" + (body.length - 1) + "/" + body.length);
            ex.sendResponseHeaders(206, body.length - start);
        } else {
            ex.sendResponseHeaders(200, body.length);
        }
        long cut = cutAfter;
        cutAfter = -1;
        long stall = stallAfter;
        stallAfter = -1;
        if (stall >= 0) {
            OutputStream o = ex.getResponseBody();
            o.write(body, start, (int) stall);
            o.flush();
            try {
                release.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new CutConnection();
        }
        int end = cut >= 0 ? (int) Math.min(body.length, start + cut) : body.length;
        OutputStream out = ex.getResponseBody();
        try {
            out.write(body, start, end - start);
            out.flush();
            if (end < body.length) {
                throw new CutConnection(); // the server then drops the connection mid-body, as a broken network does
            }
        } finally {
            if (end == body.length) {
                ex.close();
            }
        }
    }

    /** Thrown out of a handler so the server closes the connection mid-body. */
    private static final class CutConnection extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
