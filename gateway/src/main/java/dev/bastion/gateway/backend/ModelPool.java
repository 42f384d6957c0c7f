package dev.bastion.gateway.backend;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.backend.BackendException.Kind;
import dev.bastion.gateway.config.ModelSettings;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Several servers of one model ({@code pool:} in its config: llama.cpp, vLLM, Ollama or other Bastion nodes), each
 * request sent to one of them. How a server is chosen:
 * <ol>
 *   <li>Servers that failed {@value #EJECT_AFTER} times in a row are left out for {@link #EJECTION_NANOS} (10 s);
 *       after that it is tried again: one more failure leaves it out at once, a success takes it back. When every
 *       server is out, all are tried.</li>
 *   <li>A request of a conversation ({@code x-bastion-conversation}) goes to the conversation's server first, so
 *       the server can reuse its prompt cache: the highest of a hash of conversation and server (rendezvous
 *       hashing, so servers joining or leaving move few conversations).</li>
 *   <li>Otherwise, and for the failover order, the server with the least load: requests this gateway has
 *       outstanding there, plus the queue depth the server last reported on its {@code /metrics} ({@link QueueDepth});
 *       ties are broken at random, so equal servers share the load.</li>
 * </ol>
 * A request that fails before the server can have answered anything (cannot connect, time-out, 429, 502, 503,
 * 529), goes to the next server; at most each server once. A stream is never retried after its first chunk reached
 * the client: the failure is the client's. Other errors (400, authentication, a bad answer) are the same on every
 * server and are returned at once. Thread-safe.
 */
public final class ModelPool implements ChatBackend {
    static final int EJECT_AFTER = 3;
    static final long EJECTION_NANOS = 10_000_000_000L;

    /** One server of the pool and what the gateway knows of it. */
    static final class Server {
        final URI url;
        final AtomicInteger outstanding = new AtomicInteger();
        final AtomicInteger failures = new AtomicInteger();
        /** Whether the server is left out, until {@link #ejectedUntil} (nanoTime). */
        volatile boolean ejected;
        volatile long ejectedUntil;
        volatile int queueDepth;

        Server(URI url) {
            this.url = url;
        }

        int load() {
            return outstanding.get() + queueDepth;
        }
    }

    private final ModelSettings model;
    private final ChatBackend upstream;
    private final LongSupplier nanoTime;
    private final List<Server> servers;

    /**
     * @param model a model with a {@code pool}
     * @param upstream what calls one server ({@link OpenAiBackend})
     */
    public ModelPool(ModelSettings model, ChatBackend upstream, LongSupplier nanoTime) {
        this.model = Objects.requireNonNull(model, "model");
        if (model.pool().isEmpty()) {
            throw new IllegalArgumentException("model " + model.name() + " has no pool");
        }
        this.upstream = Objects.requireNonNull(upstream, "upstream");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.servers = model.pool().stream().map(Server::new).toList();
    }

    /** The servers, in the order of the config. */
    List<Server> servers() {
        return servers;
    }

    @Override
    public ChatBackend forConversation(Optional<String> conversation) {
        Objects.requireNonNull(conversation, "conversation");
        return new ChatBackend() {
            @Override
            public ObjectNode complete(ModelSettings m, ObjectNode request) throws BackendException {
                return ModelPool.this.complete(order(conversation), request);
            }

            @Override
            public void stream(ModelSettings m, ObjectNode request, ChunkSink sink) throws BackendException {
                ModelPool.this.stream(order(conversation), request, sink);
            }
        };
    }

    @Override
    public ObjectNode complete(ModelSettings m, ObjectNode request) throws BackendException {
        return complete(order(Optional.empty()), request);
    }

    @Override
    public void stream(ModelSettings m, ObjectNode request, ChunkSink sink) throws BackendException {
        stream(order(Optional.empty()), request, sink);
    }

    private ObjectNode complete(List<Server> order, ObjectNode request) throws BackendException {
        BackendException last = null;
        for (Server s : order) {
            s.outstanding.incrementAndGet();
            try {
                ObjectNode answer = upstream.complete(model.onServer(s.url), request);
                succeeded(s);
                return answer;
            } catch (BackendException e) {
                failed(s, e);
                if (!failsOver(e)) {
                    throw e;
                }
                last = e;
            } finally {
                s.outstanding.decrementAndGet();
            }
        }
        throw Objects.requireNonNull(last);
    }

    private void stream(List<Server> order, ObjectNode request, ChunkSink sink) throws BackendException {
        BackendException last = null;
        for (Server s : order) {
            boolean[] delivered = {false};
            s.outstanding.incrementAndGet();
            try {
                upstream.stream(model.onServer(s.url), request, chunk -> {
                    delivered[0] = true;
                    return sink.accept(chunk);
                });
                succeeded(s);
                return;
            } catch (BackendException e) {
                failed(s, e);
                if (delivered[0] || e.midStream() || !failsOver(e)) {
                    throw e;
                }
                last = e;
            } finally {
                s.outstanding.decrementAndGet();
            }
        }
        throw Objects.requireNonNull(last);
    }

    /** The servers to try, in order: the conversation's first if it has one, then by load; ejected ones left out. */
    List<Server> order(Optional<String> conversation) {
        long now = nanoTime.getAsLong();
        List<Server> live = new ArrayList<>();
        for (Server s : servers) {
            if (!s.ejected || now - s.ejectedUntil >= 0) {
                live.add(s);
            }
        }
        if (live.isEmpty()) {
            live.addAll(servers);
        }
        long tieBreak = ThreadLocalRandom.current().nextLong();
        live.sort(Comparator.comparingInt(Server::load).thenComparingLong(s -> mix(tieBreak ^ s.url.hashCode())));
        conversation.ifPresent(c -> {
            Server home = live.stream().max(Comparator.comparingLong(s -> rendezvous(c, s.url))).orElseThrow();
            live.remove(home);
            live.addFirst(home);
        });
        return live;
    }

    /** Whether another server may be tried: the failure came before this one can have answered anything. */
    static boolean failsOver(BackendException e) {
        return switch (e.kind()) {
            case UNAVAILABLE, TIMEOUT -> true;
            case UPSTREAM_ERROR -> e.upstreamStatus() == 429 || e.upstreamStatus() == 502 || e.upstreamStatus() == 503
                    || e.upstreamStatus() == 529;
            default -> false;
        };
    }

    private static boolean unhealthy(BackendException e) {
        return e.kind() == Kind.UNAVAILABLE || e.kind() == Kind.TIMEOUT
                || e.kind() == Kind.UPSTREAM_ERROR && e.upstreamStatus() >= 500;
    }

    private void succeeded(Server s) {
        s.failures.set(0);
        s.ejected = false;
    }

    private void failed(Server s, BackendException e) {
        if (unhealthy(e) && s.failures.incrementAndGet() >= EJECT_AFTER) {
            s.ejectedUntil = nanoTime.getAsLong() + EJECTION_NANOS;
            s.ejected = true;
        }
    }

    private static long rendezvous(String conversation, URI server) {
        byte[] a = conversation.getBytes(StandardCharsets.UTF_8);
        byte[] b = server.toString().getBytes(StandardCharsets.UTF_8);
        long h = 0x9E3779B97F4A7C15L;
        for (byte x : a) {
            h = mix(h ^ x);
        }
        h = mix(h ^ 0xFF);
        for (byte x : b) {
            h = mix(h ^ x);
        }
        return h;
    }

    /** A 64-bit finaliser (SplitMix64's). */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
