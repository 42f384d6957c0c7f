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
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The floor under the gateway: the server and upstream client Bastion is built on, with nothing of Bastion's own in
 * between. Not shipped; run by bench/gateway-overhead/floor.sh. Helidon SE 4's WebServer (HTTP/1.1 on virtual
 * threads, as GatewayServer configures it: no protocol discovery, TCP_NODELAY) answers POST /v1/chat/completions by
 * forwarding the request body to the upstream and sending back the upstream's answer. Two ways to forward:
 *
 * <ul>
 *   <li>{@code raw}: Helidon's WebClient (HTTP/1.1, its own kept-alive connections, the answer streamed, not
 *       buffered by the client), bytes in, bytes out: no JSON,
 *       no authentication, no scanner, no audit, no usage; the least a proxy on this server and client can do;</li>
 *   <li>{@code backend}: the request parsed with Jackson and sent through Bastion's own {@code OpenAiBackend}
 *       ({@code server.upstream-client: auto}, the gateway's transport, connection pool and read watchdog), the
 *       answer parsed and written back: the upstream call exactly as the gateway makes it, still with no control.</li>
 * </ul>
 *
 *   java -cp 'TREE/app/target/lib/*' bench/gateway-overhead/FloorProxy.java raw|backend PORT UPSTREAM_BASE_URL
 * (UPSTREAM_BASE_URL as in a model's base-url: http://127.0.0.1:PORT/v1). Prints "listening PORT" when ready.
 */
public class FloorProxy {
    public static void main(String[] args) {
        String mode = args[0];
        int port = Integer.parseInt(args[1]);
        URI base = URI.create(args[2]);
        Handler handler = switch (mode) {
            case "raw" -> raw(base);
            case "backend" -> backend(base);
            default -> throw new IllegalArgumentException("mode must be raw or backend, got " + mode);
        };
        WebServer server = WebServer.builder().host("127.0.0.1").port(port).shutdownHook(false).maxPayloadSize(-1)
                .protocolsDiscoverServices(false).addProtocol(Http1Config.builder().build())
                .connectionOptions(o -> o.tcpNoDelay(true))
                .routing(r -> r.post("/v1/chat/completions", handler).get("/healthz", (req, res) -> res.send("ok")))
                .build().start();
        System.out.println("listening " + server.port());
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

    /** JSON in, Bastion's OpenAiBackend to the upstream, JSON out. */
    private static Handler backend(URI base) {
        ObjectMapper json = new ObjectMapper();
        ModelSettings model = new ModelSettings("bench-model", ModelSettings.OPENAI, Optional.of(base), Optional.empty(),
                "bench-model", Location.LOCAL, Optional.empty(), Duration.ofSeconds(5), Duration.ofSeconds(120), 0);
        OpenAiBackend backend = new OpenAiBackend(Map.of(), "auto");
        return (req, res) -> {
            ObjectNode request = (ObjectNode) json.readTree(req.content().inputStream());
            ObjectNode answer = backend.complete(model, request);
            res.status(Status.OK_200).header(HeaderNames.CONTENT_TYPE, "application/json")
                    .send(json.writeValueAsBytes(answer));
        };
    }
}
