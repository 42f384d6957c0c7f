import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.backend.OpenAiBackend;
import dev.bastion.gateway.config.Location;
import dev.bastion.gateway.config.ModelSettings;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.http.encoding.ContentEncodingContext;
import io.helidon.http.media.MediaContext;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The floor under the gateway: the server and upstream client Bastion is built on, with nothing of Bastion's own in
 * between. Not shipped; run by bench/gateway-overhead/floor.sh. Helidon SE 4's WebServer (HTTP/1.1 on virtual
 * threads, as GatewayServer configures it: no protocol discovery, TCP_NODELAY) answers POST /v1/chat/completions by
 * forwarding the request body to the upstream and sending back the upstream's answer. Five ways to forward:
 *
 * <ul>
 *   <li>{@code raw}: Helidon's WebClient (HTTP/1.1, its own kept-alive connections, the answer streamed, not
 *       buffered by the client), bytes in, bytes out: no JSON,
 *       no authentication, no scanner, no audit, no usage; the least a proxy on this server and client can do;</li>
 *   <li>{@code backend}: the request parsed with Jackson and sent through Bastion's own {@code OpenAiBackend}
 *       ({@code server.upstream-client: auto}, the gateway's transport, connection pool and read watchdog), the
 *       answer parsed and written back: the upstream call exactly as the gateway makes it, still with no control;</li>
 *   <li>{@code jdk}: the same work as {@code backend} (Jackson, OpenAiBackend) with no server framework at all: a
 *       {@link ServerSocket}, one virtual thread per connection, and a minimal HTTP/1.1 reader (request line, headers,
 *       a Content-Length body; kept-alive connections; no chunked bodies, no validation beyond what the bench needs).
 *       What Java itself allows on this machine for this forward.</li>
 *   <li>{@code stream}: raw's server and WebClient for a streamed answer (bench/stream-ttft/floor.sh): the upstream's
 *       bytes copied to the client as they arrive, each read flushed at once as a chunk; no parsing, no SSE framing
 *       of our own, no control. The least a streaming proxy on this server and client can add to the first byte.</li>
 *   <li>{@code stream-jdk}: the same relay with no framework at all: a {@link ServerSocket}, a virtual thread per
 *       connection, the request passed on over a new loopback socket to the upstream ({@code Connection: close}) and
 *       the upstream's bytes copied back verbatim as they arrive. What Java itself adds to a streamed first byte.</li>
 * </ul>
 *
 * Helidon server settings for {@code raw} and {@code backend}, as system properties (off when absent), to see what
 * the server's own parts cost: {@code floor.lean=true} (no discovered features, media supports or content
 * encodings; each alone: {@code floor.no-features}, {@code floor.no-media}, {@code floor.no-encoding}), {@code floor.novalidate=true} (no prologue or path validation),
 * {@code floor.write-queue=N} and {@code floor.write-buffer=N} (the listener's writeQueueLength and writeBufferSize),
 * {@code floor.smart-async=true} (smartAsyncWrites), {@code floor.no-keep-alive-header=true}.
 *
 *   java -cp 'TREE/app/target/lib/*' bench/gateway-overhead/FloorProxy.java raw|backend|stream|jdk|stream-jdk PORT UPSTREAM_BASE_URL
 * (UPSTREAM_BASE_URL as in a model's base-url: http://127.0.0.1:PORT/v1). Prints "listening PORT" when ready.
 */
public class FloorProxy {
    public static void main(String[] args) throws IOException {
        String mode = args[0];
        int port = Integer.parseInt(args[1]);
        URI base = URI.create(args[2]);
        if (mode.equals("jdk")) {
            new JdkServer(port, base).run();
            return;
        }
        if (mode.equals("stream-jdk")) {
            new JdkStreamServer(port, base).run();
            return;
        }
        Handler handler = switch (mode) {
            case "raw" -> raw(base);
            case "backend" -> backend(base);
            case "stream" -> stream(base);
            default -> throw new IllegalArgumentException("mode must be raw, backend, stream, jdk or stream-jdk, got " + mode);
        };
        boolean lean = Boolean.getBoolean("floor.lean");
        boolean novalidate = Boolean.getBoolean("floor.novalidate");
        var http1 = Http1Config.builder();
        if (novalidate) {
            http1.validatePrologue(false).validatePath(false);
        }
        if (Boolean.getBoolean("floor.no-keep-alive-header")) {
            http1.sendKeepAliveHeader(false);
        }
        var builder = WebServer.builder().host("127.0.0.1").port(port).shutdownHook(false).maxPayloadSize(-1)
                .protocolsDiscoverServices(false).addProtocol(http1.build())
                .connectionOptions(o -> o.tcpNoDelay(true))
                .routing(r -> r.post("/v1/chat/completions", handler).get("/healthz", (req, res) -> res.send("ok")));
        if (lean || Boolean.getBoolean("floor.no-features")) {
            builder.featuresDiscoverServices(false);
        }
        if (lean || Boolean.getBoolean("floor.no-encoding")) {
            builder.contentEncoding(ContentEncodingContext.builder().contentEncodingsDiscoverServices(false).build());
        }
        if (lean || Boolean.getBoolean("floor.no-media")) {
            builder.mediaContext(MediaContext.builder().mediaSupportsDiscoverServices(false).build());
        }
        Integer queue = Integer.getInteger("floor.write-queue");
        if (queue != null) {
            builder.writeQueueLength(queue);
        }
        Integer buffer = Integer.getInteger("floor.write-buffer");
        if (buffer != null) {
            builder.writeBufferSize(buffer);
        }
        if (Boolean.getBoolean("floor.smart-async")) {
            builder.smartAsyncWrites(true);
        }
        WebServer server = builder.build().start();
        System.out.println("listening " + server.port() + (lean ? " lean" : "") + (novalidate ? " novalidate" : ""));
    }

    /** Bytes forwarded both ways through a plain WebClient. */
    private static Handler raw(URI base) {
        WebClient client = WebClient.builder().baseUri(base.toString()).followRedirects(false)
                .socketOptions(s -> s.tcpNoDelay(true)).shareConnectionCache(false).maxInMemoryEntity(0).build();
        return (req, res) -> {
            byte[] body = req.content().as(byte[].class);
            try (HttpClientResponse answer = client.post("/chat/completions")
                    .header(HeaderNames.CONTENT_TYPE, "application/json").submit(body)) {
                byte[] bytes = answer.inputStream().readAllBytes();
                res.status(answer.status()).header(HeaderNames.CONTENT_TYPE, "application/json").send(bytes);
            }
        };
    }

    /** A streamed answer forwarded as it arrives: every read from the upstream written and flushed to the client. */
    private static Handler stream(URI base) {
        WebClient client = WebClient.builder().baseUri(base.toString()).followRedirects(false)
                .socketOptions(s -> s.tcpNoDelay(true)).shareConnectionCache(false).maxInMemoryEntity(0).build();
        return (req, res) -> {
            byte[] body = req.content().as(byte[].class);
            try (HttpClientResponse answer = client.post("/chat/completions")
                    .header(HeaderNames.CONTENT_TYPE, "application/json").submit(body)) {
                res.status(answer.status()).header(HeaderNames.CONTENT_TYPE, "text/event-stream");
                try (InputStream in = answer.inputStream(); OutputStream out = res.outputStream()) {
                    copyFlushing(in, out);
                }
            }
        };
    }

    private static ModelSettings model(URI base) {
        return new ModelSettings("bench-model", ModelSettings.OPENAI, Optional.of(base), Optional.empty(),
                "bench-model", Location.LOCAL, Optional.empty(), Duration.ofSeconds(5), Duration.ofSeconds(120), 0);
    }

    /** JSON in, Bastion's OpenAiBackend to the upstream, JSON out. */
    private static Handler backend(URI base) {
        ObjectMapper json = new ObjectMapper();
        ModelSettings model = model(base);
        OpenAiBackend backend = new OpenAiBackend(Map.of(), "auto");
        return (req, res) -> {
            ObjectNode request = (ObjectNode) json.readTree(req.content().inputStream());
            ObjectNode answer = backend.complete(model, request);
            res.status(Status.OK_200).header(HeaderNames.CONTENT_TYPE, "application/json")
                    .send(json.writeValueAsBytes(answer));
        };
    }

    /**
     * No framework, streamed: each connection's one request (request line, headers, a Content-Length body) is sent on
     * over a fresh socket to the upstream with {@code Connection: close}, and whatever the upstream answers (status
     * line, headers, chunked events) is copied back byte for byte, each read written and flushed at once; both
     * sockets close when the upstream closes. One request per client connection, as curl sends them.
     */
    static final class JdkStreamServer {
        private final int port;
        private final URI base;

        JdkStreamServer(int port, URI base) {
            this.port = port;
            this.base = base;
        }

        void run() throws IOException {
            listen(port, "stream-jdk", this::relay);
        }

        private void relay(Socket client) {
            try (client) {
                client.setTcpNoDelay(true);
                InputStream in = new BufferedInputStream(client.getInputStream(), 16 * 1024);
                OutputStream out = client.getOutputStream();
                String requestLine = line(in);
                if (requestLine == null) {
                    return;
                }
                byte[] body = in.readNBytes(Head.read(in).length());
                if (requestLine.startsWith("GET /healthz ")) {
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    return;
                }
                try (Socket upstream = new Socket(base.getHost(), base.getPort())) {
                    upstream.setTcpNoDelay(true);
                    OutputStream up = upstream.getOutputStream();
                    up.write(("POST " + base.getPath() + "/chat/completions HTTP/1.1\r\nHost: " + base.getHost() + ":"
                            + base.getPort() + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    up.write(body);
                    up.flush();
                    copyFlushing(upstream.getInputStream(), out);
                }
            } catch (Exception e) {
                // the upstream failed or the client went away: the connection ends
            }
        }
    }

    /**
     * No framework: a ServerSocket, a virtual thread per connection, and just enough HTTP/1.1 to read wrk's
     * requests (request line, headers, a Content-Length body) and write an answer with a Content-Length. The forward
     * is backend's: Jackson and Bastion's OpenAiBackend.
     */
    static final class JdkServer {
        private final int port;
        private final ObjectMapper json = new ObjectMapper();
        private final ModelSettings model;
        private final OpenAiBackend backend = new OpenAiBackend(Map.of(), "auto");

        JdkServer(int port, URI base) {
            this.port = port;
            this.model = model(base);
        }

        void run() throws IOException {
            listen(port, "jdk", this::connection);
        }

        private void connection(Socket socket) {
            try (socket) {
                socket.setTcpNoDelay(true);
                InputStream in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
                OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
                while (true) {
                    String requestLine = line(in);
                    if (requestLine == null) {
                        return;
                    }
                    if (requestLine.isEmpty()) {
                        continue;
                    }
                    Head head = Head.read(in);
                    boolean close = head.close();
                    byte[] body = in.readNBytes(head.length());
                    int status = 200;
                    byte[] answer;
                    if (requestLine.startsWith("POST /v1/chat/completions ")) {
                        ObjectNode request = (ObjectNode) json.readTree(body);
                        answer = json.writeValueAsBytes(backend.complete(model, request));
                    } else if (requestLine.startsWith("GET /healthz ")) {
                        answer = "ok".getBytes(StandardCharsets.US_ASCII);
                    } else {
                        status = 404;
                        answer = new byte[0];
                    }
                    out.write(("HTTP/1.1 " + status + (status == 200 ? " OK" : " Not Found")
                            + "\r\nContent-Type: application/json\r\nContent-Length: " + answer.length
                            + (close ? "\r\nConnection: close" : "") + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(answer);
                    out.flush();
                    if (close) {
                        return;
                    }
                }
            } catch (Exception e) {
                // the upstream failed, the client went away or sent what this minimal reader does not handle: the connection ends
            }
        }
    }

    /** Accepts connections on 127.0.0.1:{@code port}, each handled on its own virtual thread; prints "listening". */
    private static void listen(int port, String mode, Consumer<Socket> connection) throws IOException {
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress("127.0.0.1", port), 1024);
            System.out.println("listening " + listener.getLocalPort() + " " + mode);
            while (true) {
                Socket socket = listener.accept();
                Thread.ofVirtual().start(() -> connection.accept(socket));
            }
        }
    }

    /** What the minimal readers use of a request's headers: the Content-Length (0 if absent) and Connection: close. */
    private record Head(int length, boolean close) {
        /** Reads the header lines up to the blank line; lines without a name are passed over. */
        static Head read(InputStream in) throws IOException {
            int length = 0;
            boolean close = false;
            for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
                int colon = header.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String name = header.substring(0, colon).strip();
                String value = header.substring(colon + 1).strip();
                if (name.equalsIgnoreCase("content-length")) {
                    length = Integer.parseInt(value);
                } else if (name.equalsIgnoreCase("connection") && value.equalsIgnoreCase("close")) {
                    close = true;
                }
            }
            return new Head(length, close);
        }
    }

    /** One line without its CR LF, or null at the end of the stream before any byte. */
    private static String line(InputStream in) throws IOException {
        StringBuilder text = new StringBuilder(64);
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                int end = text.length();
                return end > 0 && text.charAt(end - 1) == '\r' ? text.substring(0, end - 1) : text.toString();
            }
            text.append((char) b);
        }
        return text.isEmpty() ? null : text.toString();
    }

    /** Copies {@code in} to {@code out} until its end, each read written and flushed at once. */
    private static void copyFlushing(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[8192];
        for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
            out.write(buffer, 0, n);
            out.flush();
        }
    }
}
