package dev.bastion.gateway.server;

import dev.bastion.gateway.config.ConfigLoader;
import dev.bastion.gateway.config.GatewayConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Runs chat requests through a private gateway before the real one starts, so that the JIT has compiled the request
 * path (streamed above all) when the first client arrives, and so that an AOT cache's training run
 * ({@code packaging/aot-train.sh}) records that path's classes and method profiles.
 *
 * <p>The private gateway is the real code with a throwaway configuration: a fresh data directory (keys, audit log,
 * store) in a temporary folder, two routes (one with no output scanner, one with the default route's scanners) to a
 * {@link CannedUpstream} in this process, on a free loopback port, with its own admin key. Its requests are plain
 * HTTP/1.1 over a socket, as a client's are; seven in eight are streamed. Everything it made is closed and deleted
 * before {@link #run} returns; nothing of it reaches the real gateway's data directory, audit log or metrics.
 * Measured in docs/benchmarks.md (gateway section, round fourteen).
 */
public final class WarmUp {
    private static final int CLIENTS = 4;

    /**
     * What a warm-up did.
     *
     * @param requests requests sent
     * @param answered requests answered with 200 and a complete body (a stream ending in {@code [DONE]})
     * @param nanos wall time, start of the private gateway to its removal
     */
    public record Report(int requests, int answered, long nanos) {
        public Report {
            if (requests < 0 || answered < 0 || answered > requests || nanos < 0) {
                throw new IllegalArgumentException("bad warm-up report: " + requests + ", " + answered + ", " + nanos);
            }
        }
    }

    private WarmUp() {
    }

    /**
     * Sends {@code requests} chat requests through a private gateway; 0 does nothing.
     *
     * @throws IllegalArgumentException if {@code requests} is negative
     */
    public static Report run(int requests) {
        if (requests < 0) {
            throw new IllegalArgumentException("warm-up requests must be >= 0, got " + requests);
        }
        long start = System.nanoTime();
        if (requests == 0) {
            return new Report(0, 0, 0);
        }
        Path scratch;
        try {
            scratch = Files.createTempDirectory("bastion-warm-up");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder for the warm-up", e);
        }
        try (CannedUpstream upstream = CannedUpstream.start()) {
            Path yaml = scratch.resolve("bastion.yaml");
            Files.writeString(yaml, config(upstream.baseUrl()));
            GatewayConfig config = ConfigLoader.load(Optional.of(yaml), scratch, Map.of(),
                    Map.of("server.port", "0", "data-dir", scratch.resolve("data").toString()), scratch).config();
            try (Gateway gateway = Gateway.start(config, Map.of(), Clock.systemUTC())) {
                String key = Files.readString(scratch.resolve("data").resolve("admin.key")).strip();
                int answered = send(gateway.port(), key, requests);
                return new Report(requests, answered, System.nanoTime() - start);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the warm-up failed", e);
        } finally {
            deleteTree(scratch);
        }
    }

    /**
     * The private gateway's configuration: no abuse detection (its prompts repeat) and no per-minute request limit
     * (it sends hundreds a second), two routes, no console.
     */
    static String config(String upstreamUrl) {
        return """
                abuse:
                  min-requests: 0
                limits:
                  per-key:
                    requests-per-minute: 0
                console:
                  enabled: false
                models:
                  - {name: warm-up-plain, backend: openai, base-url: "%1$s", location: local, upstream-model: m}
                  - {name: warm-up-default, backend: openai, base-url: "%1$s", location: local, upstream-model: m}
                routes:
                  - {name: warm-up-plain, models: [warm-up-plain], output-scanners: []}
                  - {name: warm-up-default, models: [warm-up-default]}
                """.formatted(upstreamUrl);
    }

    /** Sends the requests from {@link #CLIENTS} virtual threads; returns how many were answered in full. */
    private static int send(int port, String key, int requests) {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger answered = new AtomicInteger();
        try (var clients = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < CLIENTS; c++) {
                clients.submit(() -> {
                    for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
                        if (ask(port, key, i)) {
                            answered.incrementAndGet();
                        }
                    }
                });
            }
        }
        return answered.get();
    }

    /** Request {@code i}: alternate routes, every eighth not streamed. True when answered in full. */
    static boolean ask(int port, String key, int i) {
        String model = i % 2 == 0 ? "warm-up-plain" : "warm-up-default";
        boolean stream = i % 8 != 7;
        String body = "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Summarise the quarterly report, part " + i + ".\"}]}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
            String head = CannedUpstream.readHead(in);
            if (head == null || !head.startsWith("HTTP/1.1 200")) {
                return false;
            }
            String reply = head.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")
                    ? readChunked(in) : new String(in.readNBytes(Math.max(0, CannedUpstream.contentLength(head))), StandardCharsets.UTF_8);
            return !stream || reply.contains("data: [DONE]");
        } catch (IOException e) {
            return false;
        }
    }

    /** A chunked body (RFC 9112 section 7.1), up to its last chunk; trailers are not read. */
    private static String readChunked(InputStream in) throws IOException {
        StringBuilder body = new StringBuilder();
        while (true) {
            String sizeLine = line(in);
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                return body.toString();
            }
            body.append(new String(in.readNBytes(size), StandardCharsets.UTF_8));
            line(in); // the CRLF after the chunk's data
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0 || line.length() > 1024) {
                throw new IOException("the reply ended inside a chunk");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // a file left in the temporary folder; nothing secret: a throwaway key and audit log
                }
            });
        } catch (IOException e) {
            // the folder is gone already
        }
    }
}
