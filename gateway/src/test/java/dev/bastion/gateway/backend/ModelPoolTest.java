package dev.bastion.gateway.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.Json;
import dev.bastion.gateway.backend.BackendException.Kind;
import dev.bastion.gateway.config.Location;
import dev.bastion.gateway.config.ModelSettings;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ModelPoolTest {
    private static final URI A = URI.create("http://10.0.0.1:8080/v1");
    private static final URI B = URI.create("http://10.0.0.2:8080/v1");
    private static final URI C = URI.create("http://10.0.0.3:8080/v1");
    private static final ModelSettings MODEL = new ModelSettings("m", ModelSettings.OPENAI, Optional.of(A), Optional.empty(),
            "m", Location.LOCAL, Optional.empty(), Duration.ofSeconds(1), Duration.ofSeconds(5), 2, ModelSettings.Kind.CHAT,
            ModelSettings.DEFAULT_ANTHROPIC_VERSION, ModelSettings.DEFAULT_MAX_TOKENS, List.of(A, B, C));

    private final AtomicLong clock = new AtomicLong();

    /** Servers that answer, fail or wait as each test sets them, recording which server each call reached. */
    private static final class Servers implements ChatBackend {
        final List<URI> calls = new CopyOnWriteArrayList<>();
        final Map<URI, BackendException> failing = new ConcurrentHashMap<>();
        final Map<URI, Integer> chunksBeforeFailing = new ConcurrentHashMap<>();
        volatile CountDownLatch hold = new CountDownLatch(0);

        @Override
        public ObjectNode complete(ModelSettings model, ObjectNode request) throws BackendException {
            URI server = model.baseUrl().orElseThrow();
            calls.add(server);
            assertThat(model.maxRetries()).as("a pool member does not retry on its own").isZero();
            try {
                hold.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            BackendException failure = failing.get(server);
            if (failure != null) {
                throw failure;
            }
            return Json.MAPPER.createObjectNode().put("served_by", server.toString());
        }

        @Override
        public void stream(ModelSettings model, ObjectNode request, ChunkSink sink) throws BackendException {
            URI server = model.baseUrl().orElseThrow();
            calls.add(server);
            int before = chunksBeforeFailing.getOrDefault(server, -1);
            for (int i = 0; i < 3; i++) {
                if (i == before) {
                    throw new BackendException(Kind.UNAVAILABLE, "broke", 0, i > 0, null);
                }
                sink.accept(Json.MAPPER.createObjectNode().put("served_by", server.toString()).put("i", i));
            }
        }
    }

    private static BackendException unavailable() {
        return new BackendException(Kind.UNAVAILABLE, "cannot connect to the upstream", 0, false, null);
    }

    private static ObjectNode request() {
        return Json.MAPPER.createObjectNode();
    }

    @Test
    void concurrentRequestsGoToTheServersWithTheFewestOutstanding() throws Exception {
        Servers servers = new Servers();
        servers.hold = new CountDownLatch(1);
        ModelPool pool = new ModelPool(MODEL, servers, clock::get);
        try (ExecutorService clients = Executors.newFixedThreadPool(3)) {
            List<Future<ObjectNode>> answers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                answers.add(clients.submit(() -> pool.complete(MODEL, request())));
                while (servers.calls.size() <= i) {
                    Thread.onSpinWait();
                }
            }
            assertThat(new HashSet<>(servers.calls)).containsExactlyInAnyOrder(A, B, C);
            servers.hold.countDown();
            for (Future<ObjectNode> a : answers) {
                assertThat(a.get().path("served_by").asText()).isNotEmpty();
            }
        }
        assertThat(pool.servers()).allMatch(s -> s.outstanding.get() == 0);
    }

    @Test
    void theQueueAServerReportsCountsAsLoad() throws Exception {
        Servers servers = new Servers();
        ModelPool pool = new ModelPool(MODEL, servers, clock::get);
        pool.servers().get(0).queueDepth = 5;
        pool.servers().get(2).queueDepth = 2;
        for (int i = 0; i < 10; i++) {
            assertThat(pool.complete(MODEL, request()).path("served_by").asText()).isEqualTo(B.toString());
        }
    }

    @Test
    void aConversationStaysOnOneServerAndConversationsSpreadOverAll() throws Exception {
        Servers servers = new Servers();
        ModelPool pool = new ModelPool(MODEL, servers, clock::get);
        Set<String> one = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            pool.servers().get(i % 3).queueDepth = i; // load changes do not move a conversation
            one.add(pool.forConversation(Optional.of("key\u0000conv-1")).complete(MODEL, request()).path("served_by").asText());
        }
        assertThat(one).hasSize(1);
        Set<String> many = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            many.add(pool.forConversation(Optional.of("key\u0000conv-" + i)).complete(MODEL, request()).path("served_by").asText());
        }
        assertThat(many).hasSize(3);
    }

    @Test
    void aRequestThatCannotReachItsServerMovesToTheNextAndAClientErrorDoesNot() throws Exception {
        Servers servers = new Servers();
        ModelPool pool = new ModelPool(MODEL, servers, clock::get);
        servers.failing.put(A, unavailable());
        servers.failing.put(B, new BackendException(Kind.UPSTREAM_ERROR, "upstream 503", 503, false, null));
        pool.servers().get(2).queueDepth = 1; // B before C after A
        String conversationOnA = conversationHomedOn(pool, A);
        assertThat(pool.forConversation(Optional.of(conversationOnA)).complete(MODEL, request()).path("served_by").asText())
                .isEqualTo(C.toString());
        assertThat(servers.calls).startsWith(A).endsWith(C).hasSize(3);

        servers.calls.clear();
        servers.failing.clear();
        servers.failing.put(A, new BackendException(Kind.UPSTREAM_ERROR, "upstream 400", 400, false, null));
        assertThatThrownBy(() -> pool.forConversation(Optional.of(conversationOnA)).complete(MODEL, request()))
                .isInstanceOf(BackendException.class).hasMessageContaining("400");
        assertThat(servers.calls).containsExactly(A);
    }

    @Test
    void aServerFailingThreeTimesInARowIsLeftOutForTenSecondsThenTriedAgain() throws Exception {
        Servers servers = new Servers();
        ModelPool pool = new ModelPool(MODEL, servers, clock::get);
        servers.failing.put(A, unavailable());
        String onA = conversationHomedOn(pool, A);
        for (int i = 0; i < ModelPool.EJECT_AFTER; i++) {
            pool.forConversation(Optional.of(onA)).complete(MODEL, request());
        }
        assertThat(pool.order(Optional.of(onA))).extracting(s -> s.url).doesNotContain(A);
        servers.calls.clear();
        for (int i = 0; i < 5; i++) {
            pool.complete(MODEL, request());
        }
        assertThat(servers.calls).doesNotContain(A);

        clock.addAndGet(ModelPool.EJECTION_NANOS);
        servers.failing.clear();
        assertThat(pool.forConversation(Optional.of(onA)).complete(MODEL, request()).path("served_by").asText())
                .isEqualTo(A.toString());
        assertThat(pool.servers().getFirst().failures.get()).isZero();
    }

    @Test
    void whenEveryServerIsOutAllAreTriedAndTheLastFailureIsReturned() {
        Servers servers = new Servers();
        ModelPool pool = new ModelPool(MODEL, servers, clock::get);
        for (URI u : List.of(A, B, C)) {
            servers.failing.put(u, unavailable());
        }
        for (int i = 0; i < ModelPool.EJECT_AFTER; i++) {
            assertThatThrownBy(() -> pool.complete(MODEL, request())).isInstanceOf(BackendException.class);
        }
        servers.calls.clear();
        assertThatThrownBy(() -> pool.complete(MODEL, request())).isInstanceOf(BackendException.class)
                .hasMessageContaining("cannot connect");
        assertThat(new HashSet<>(servers.calls)).containsExactlyInAnyOrder(A, B, C);
    }

    @Test
    void aStreamMovesToTheNextServerOnlyBeforeItsFirstChunk() throws Exception {
        Servers servers = new Servers();
        ModelPool pool = new ModelPool(MODEL, servers, clock::get);
        String onA = conversationHomedOn(pool, A);
        servers.chunksBeforeFailing.put(A, 0);
        List<ObjectNode> got = new ArrayList<>();
        pool.forConversation(Optional.of(onA)).stream(MODEL, request(), c -> got.add(c));
        assertThat(got).hasSize(3).allMatch(c -> !c.path("served_by").asText().equals(A.toString()));

        servers.calls.clear();
        got.clear();
        servers.chunksBeforeFailing.put(A, 1);
        assertThatThrownBy(() -> pool.forConversation(Optional.of(onA)).stream(MODEL, request(), c -> got.add(c)))
                .isInstanceOf(BackendException.class);
        assertThat(servers.calls).containsExactly(A);
        assertThat(got).hasSize(1);
    }

    @Test
    void queueDepthIsReadFromVllmAndLlamaCppGaugesAtTheServersOrigin() {
        assertThat(QueueDepth.metricsUrl(URI.create("http://h:8000/v1"))).isEqualTo(URI.create("http://h:8000/metrics"));
        assertThat(QueueDepth.parse("""
                # HELP vllm:num_requests_waiting Number of requests waiting to be processed.
                # TYPE vllm:num_requests_waiting gauge
                vllm:num_requests_waiting{model_name="llama"} 3.0
                vllm:num_requests_running{model_name="llama"} 7.0
                llamacpp:requests_deferred 2 1700000000000
                llamacpp:requests_deferred_total 99
                vllm:num_requests_waiting{model_name="x"} not-a-number
                vllm:num_requests_waiting
                """)).isEqualTo(5);
        assertThat(QueueDepth.parse("<html>not metrics</html>")).isZero();
    }

    /** A conversation id whose home server is {@code server}. */
    private static String conversationHomedOn(ModelPool pool, URI server) {
        for (int i = 0; ; i++) {
            String c = "key\u0000home-" + i;
            if (pool.order(Optional.of(c)).getFirst().url.equals(server)) {
                return c;
            }
        }
    }
}
