package dev.bastion.gateway.server;

import dev.bastion.audit.AuditLog;
import dev.bastion.crypto.Envelope;
import dev.bastion.crypto.KeyedHasher;
import dev.bastion.crypto.RandomTokens;
import dev.bastion.crypto.SigningKey;
import dev.bastion.gateway.backend.ChatBackend;
import dev.bastion.gateway.backend.LocalBackend;
import dev.bastion.gateway.backend.OpenAiBackend;
import dev.bastion.gateway.config.GatewayConfig;
import dev.bastion.gateway.config.ModelSettings;
import dev.bastion.gateway.embeddings.LocalEmbeddings;
import dev.bastion.gateway.identity.AbuseMonitor;
import dev.bastion.gateway.identity.KeyService;
import dev.bastion.gateway.identity.LocalRateLimiter;
import dev.bastion.gateway.identity.RateLimiter;
import dev.bastion.gateway.metrics.GatewayMetrics;
import dev.bastion.gateway.pipeline.AuditTrail;
import dev.bastion.gateway.pipeline.Authenticator;
import dev.bastion.gateway.pipeline.ChatEndpoint;
import dev.bastion.gateway.pipeline.CompiledRoute;
import dev.bastion.gateway.pipeline.ConversationVault;
import dev.bastion.gateway.pipeline.EmbeddingsEndpoint;
import dev.bastion.gateway.pipeline.InputGuard;
import dev.bastion.gateway.pipeline.ModerationEndpoint;
import dev.bastion.gateway.pipeline.Pipeline;
import dev.bastion.gateway.pipeline.Router;
import dev.bastion.gateway.pipeline.Stages;
import dev.bastion.gateway.pipeline.UsageRecorder;
import dev.bastion.gateway.telemetry.BuildInfo;
import dev.bastion.gateway.telemetry.Tracing;
import dev.bastion.guard.pseudonym.MemoryTables;
import dev.bastion.guard.pseudonym.PseudonymVault;
import dev.bastion.guard.pseudonym.Sealer;
import dev.bastion.store.OwnerOnly;
import dev.bastion.store.jdbc.Database;
import dev.bastion.store.jdbc.JdbcConversationRepository;
import dev.bastion.store.jdbc.JdbcKeyRepository;
import dev.bastion.store.jdbc.JdbcUsageRepository;
import dev.bastion.store.jdbc.SqliteSubjectKeyRepository;
import dev.bastion.store.keys.KeyRepository;
import dev.bastion.store.subjects.SubjectKeyRepository;
import dev.bastion.store.usage.UsageRepository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * The composition root of the gateway: builds every part from the configuration, in plain code, and starts the
 * server. {@link #close()} stops it gracefully and flushes usage. Nothing here is global: tests start several.
 */
public final class Gateway implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Gateway.class.getName());
    /**
     * Helidon's connection loggers dump raw request headers and bodies (keys, prompts) at FINE; they are pinned to
     * INFO so that turning on debug logging never writes request content. Held here because JUL keeps loggers
     * weakly.
     */
    private static final List<java.util.logging.Logger> CONTENT_DUMPS = List.of(
            java.util.logging.Logger.getLogger("io.helidon.common.socket"),
            java.util.logging.Logger.getLogger("io.helidon.webserver.http1.Http1LoggingConnectionListener"),
            java.util.logging.Logger.getLogger("io.helidon.webserver.http2.Http2LoggingFrameListener"));

    static {
        CONTENT_DUMPS.forEach(l -> l.setLevel(java.util.logging.Level.INFO));
    }

    private final Database store;
    private final SubjectKeyRepository keyring;
    private final AuditLog audit;
    private final KeyService keys;
    private final UsageRecorder usage;
    private final ScheduledExecutorService flusher;
    private final GatewayServer server;
    private final Optional<Path> bootstrapAdminKey;
    private final LocalBackend local;
    private final Tracing tracing;
    /** The parts that talk to other servers (Redis, the key-change listener, pool polling), closed before the store. */
    private final List<AutoCloseable> sharedState;
    private final RateLimiter limiter;

    private Gateway(Database store, SubjectKeyRepository keyring, AuditLog audit, KeyService keys, UsageRecorder usage,
            ScheduledExecutorService flusher, GatewayServer server, Optional<Path> bootstrapAdminKey, LocalBackend local,
            Tracing tracing, RateLimiter limiter, List<AutoCloseable> sharedState) {
        this.limiter = limiter;
        this.sharedState = List.copyOf(sharedState);
        this.local = local;
        this.tracing = tracing;
        this.store = store;
        this.keyring = keyring;
        this.audit = audit;
        this.keys = keys;
        this.usage = usage;
        this.flusher = flusher;
        this.server = server;
        this.bootstrapAdminKey = bootstrapAdminKey;
    }

    /**
     * Opens the store and starts serving.
     *
     * @param config the effective configuration
     * @param env the process environment (secrets are resolved from it)
     * @param clock time source
     */
    public static Gateway start(GatewayConfig config, Map<String, String> env, Clock clock) {
        return start(config, env, clock, BuildInfo.of(Gateway.class));
    }

    /** As above, naming the running build in {@code bastion_build_info} and exported spans. */
    public static Gateway start(GatewayConfig config, Map<String, String> env, Clock clock, BuildInfo build) {
        return start(config, env, clock, build, Tracing.from(config.telemetry(), build));
    }

    /** As above, with the given tracing (tests pass an in-memory exporter); the gateway closes it when it stops. */
    public static Gateway start(GatewayConfig config, Map<String, String> env, Clock clock, BuildInfo build,
            Tracing tracing) {
        return start(config, env, clock, build, tracing, Optional.empty());
    }

    /**
     * What an admin listener (the console module) is given to build its routes: the running gateway's parts.
     *
     * @param config the effective configuration
     * @param keys the API keys
     * @param trail where admin actions are audited
     * @param auditLog the audit log, for records, proofs and checkpoints
     * @param auditPublicKey the X.509 public key that signs the log's checkpoints
     * @param usage the usage counters
     * @param usageRecorder flushes counted usage before it is read
     * @param clock time source
     * @param ready whether the store is reachable and the audit log writable
     * @param tls whether the listeners serve TLS
     * @param routes the compiled routes (their scanners and policies), as the pipeline runs them
     * @param privacyLedgers the privacy-budget ledgers in the store (read by the console)
     */
    public record Parts(GatewayConfig config, KeyService keys, AuditTrail trail, AuditLog auditLog, byte[] auditPublicKey,
            UsageRepository usage, UsageRecorder usageRecorder, Clock clock, java.util.function.BooleanSupplier ready,
            boolean tls, List<CompiledRoute> routes, dev.bastion.store.jdbc.JdbcLedgerStore privacyLedgers) {
        public Parts {
            java.util.Objects.requireNonNull(privacyLedgers, "privacyLedgers");
            routes = List.copyOf(routes);
            java.util.Objects.requireNonNull(config, "config");
            java.util.Objects.requireNonNull(keys, "keys");
            java.util.Objects.requireNonNull(trail, "trail");
            java.util.Objects.requireNonNull(auditLog, "auditLog");
            auditPublicKey = auditPublicKey.clone();
            java.util.Objects.requireNonNull(usage, "usage");
            java.util.Objects.requireNonNull(usageRecorder, "usageRecorder");
            java.util.Objects.requireNonNull(clock, "clock");
            java.util.Objects.requireNonNull(ready, "ready");
        }

        @Override
        public byte[] auditPublicKey() {
            return auditPublicKey.clone();
        }
    }

    /**
     * As above, and with the admin console: {@code console} builds the routes of the {@code admin} listener from the
     * gateway's parts; it is opened when {@code console.enabled} is true. Off the loopback interface it needs TLS.
     */
    public static Gateway start(GatewayConfig config, Map<String, String> env, Clock clock, BuildInfo build,
            Tracing tracing, Optional<java.util.function.Function<Parts, java.util.function.Consumer<io.helidon.webserver.http.HttpRouting.Builder>>> console) {
        if (console.isPresent() && config.console().enabled() && !config.console().loopbackOnly()
                && config.server().tls().isEmpty()) {
            throw new IllegalArgumentException("console.host is " + config.console().host() + ", not a loopback address: "
                    + "the console is served off this machine only under TLS; set server.tls or console.host: 127.0.0.1");
        }
        LocalEmbeddings localEmbeddings = new LocalEmbeddings(config.embeddings().maxInputs());
        Optional<dev.bastion.guard.injection.SentenceEncoder> encoder = Optional.of(localEmbeddings::encodeForScanner);
        StartInParallel<List<CompiledRoute>> routes = StartInParallel.begin("bastion-start-routes",
                () -> CompiledRoute.compileAll(config.routes(), config.guard(), encoder));
        StartInParallel<Void> server = StartInParallel.begin("bastion-start-server", Gateway::prepareWebServer);
        try {
            return start(config, env, clock, new GatewayMetrics(build, tracing), localEmbeddings, encoder, routes,
                    server, console.filter(c -> config.console().enabled()));
        } catch (RuntimeException e) {
            tracing.close();
            throw e;
        }
    }

    /*
     * Start-up order (issue 16, start to ready under 2 s): the scanners of every route (the secrets rules, the
     * injection model, the PII recognisers) and the web server's own set-up use no part of the store, the keys or
     * the audit log, so they are built on two other threads while this one opens those; the server starts only
     * once both are done, and /readyz answers only once it has started, so ready still means ready. A failure on
     * either thread (a bad deny pattern, say) is rethrown here as it was thrown there.
     */
    private static Gateway start(GatewayConfig config, Map<String, String> env, Clock clock, GatewayMetrics metrics,
            LocalEmbeddings localEmbeddings, Optional<dev.bastion.guard.injection.SentenceEncoder> encoder,
            StartInParallel<List<CompiledRoute>> compiling, StartInParallel<Void> serverPrepared,
            Optional<java.util.function.Function<Parts, java.util.function.Consumer<io.helidon.webserver.http.HttpRouting.Builder>>> console) {
        createPrivateDirectory(config.dataDir());
        narrowDataDir(config.dataDir());
        Database store = config.store().open(config.dataDir(), env);
        AuditLog audit = null;
        SubjectKeyRepository keyring = null;
        LocalBackend local = null;
        List<AutoCloseable> sharedState = new java.util.ArrayList<>();
        try {
            createPrivateDirectory(config.dataDir().resolve("keys"));
            createPrivateDirectory(config.dataDir().resolve("audit"));
            SigningKey auditKey = SigningKey.loadOrCreate(config.dataDir().resolve("keys").resolve("audit-signing.key"),
                    config.audit().signatureAlgorithm());
            audit = AuditLog.open(config.dataDir().resolve("audit"), auditKey, "bastion", clock,
                    config.audit().checkpointEvery());
            AuditTrail trail = new AuditTrail(audit, clock, metrics::auditFailure, config.audit().durability(),
                    config.audit().commitWait());
            metrics.auditGroupCommits(audit::groupCommits);
            KeyedHasher hasher = apiKeyHasher(config.dataDir());
            KeyService keys = keyService(config, store, hasher, clock, sharedState);
            UsageRepository usageCounters = new JdbcUsageRepository(store);
            keyring = SqliteSubjectKeyRepository.open(config.dataDir().resolve("keys").resolve("subject-keys.db"));
            ConversationVault vault = new ConversationVault(new JdbcConversationRepository(store), usageCounters, keyring,
                    Envelope.open(config.conversations().masterKey(), env), hasher, RandomTokens.secure(), clock);
            Optional<Path> adminKey = keys.bootstrapAdmin(config.dataDir().resolve("admin.key"));
            RateLimiter limiter = limiter(config, env);
            if (limiter instanceof dev.bastion.gateway.cluster.RedisRateLimiter shared) {
                sharedState.add(shared);
                metrics.rateLimitsFallbackGauge(shared::usingFallback);
            }
            UsageRecorder usage = new UsageRecorder(usageCounters);
            if (config.cluster().kafkaBootstrap().isPresent()) {
                // One audit tree for all replicas: records go to the Kafka topic too, and usage is the sequencer's
                // projection of it (docs/scale-out.md); this replica does not count usage itself.
                sharedState.add(replicateAudit(config, audit, trail));
            } else {
                usage.recover(audit); // counts what a killed predecessor had recorded but not yet written
                trail.countUsage(usage);
            }
            Authenticator authenticator = new Authenticator(keys);
            InputGuard inputGuard = new InputGuard(metrics);
            List<CompiledRoute> routes = compiling.join();
            Map<String, ModelSettings> models = new LinkedHashMap<>();
            config.models().forEach(m -> models.put(m.name(), m));
            local = LocalModels.load(config, trail);
            OpenAiBackend openAi = new OpenAiBackend(env, config.server().upstreamClient());
            Map<String, ChatBackend> backends = Map.of(
                    ModelSettings.OPENAI, openAi,
                    ModelSettings.ANTHROPIC, new dev.bastion.gateway.backend.AnthropicBackend(env, config.server().upstreamClient()),
                    ModelSettings.LOCAL, local);
            Map<String, ChatBackend> pools = new LinkedHashMap<>();
            for (ModelSettings m : config.models()) {
                if (!m.pool().isEmpty()) {
                    dev.bastion.gateway.backend.ModelPool pool = new dev.bastion.gateway.backend.ModelPool(m, openAi,
                            System::nanoTime);
                    pools.put(m.name(), pool);
                    sharedState.add(dev.bastion.gateway.backend.QueueDepth.watch(pool));
                }
            }
            Router router = new Router(routes, models, backends, pools);
            AbuseMonitor abuse = new AbuseMonitor(new AbuseMonitor.Settings(config.abuse().window(),
                    config.abuse().minRequests(), config.abuse().nearDuplicateShare(), config.abuse().outputShare(),
                    config.abuse().sweepShare(), config.abuse().volumeRequests()),
                    System::nanoTime);
            PseudonymVault pseudonyms = pseudonymVault(config, env, clock, hasher, sharedState);
            Stages stages = new Stages(authenticator, limiter, inputGuard, router, metrics, trail, vault,
                    config.conversations().subjectHeader(), abuse, pseudonyms);
            Pipeline pipeline = new Pipeline(stages);
            ChatEndpoint chat = new ChatEndpoint(stages, config.guard());
            EmbeddingsEndpoint embeddings = new EmbeddingsEndpoint(stages, config.embeddings(), localEmbeddings);
            ModerationEndpoint moderations = new ModerationEndpoint(stages, config.guard(), CompiledRoute.forModeration(
                    ModerationEndpoint.MODEL, config.routes().stream().filter(r -> r.matches(ModerationEndpoint.MODEL))
                            .findFirst(), config.guard(), encoder));
            GatewayServer.Handlers handlers = new GatewayServer.Handlers(pipeline, chat,
                    new OpenAiEndpoints(authenticator, pipeline, config.models(), config.embeddings(), embeddings, moderations),
                    new AdminEndpoints(authenticator, keys, usageCounters, usage, clock, trail, vault, pseudonyms), metrics,
                    () -> store.isReachable() && trail.writable(), new FairnessEndpoints(authenticator, trail, metrics,
                            config.fairnessMonitors().stream().map(m -> new dev.bastion.privacy.fairness.monitor
                                    .FairnessMonitor(m, clock)).toList()));
            SSLContext tls = config.server().tls().map(t -> TlsContexts.fromKeystore(t, env)).orElse(null);
            serverPrepared.join();
            AuditLog auditLog = audit;
            Optional<GatewayServer.AdminSocket> adminSocket = console.map(c -> new GatewayServer.AdminSocket(
                    config.console().host(), config.console().port(), c.apply(new Parts(config, keys, trail, auditLog,
                            auditKey.publicKeyX509(), usageCounters, usage, clock,
                            () -> store.isReachable() && trail.writable(), tls != null, routes,
                            new dev.bastion.store.jdbc.JdbcLedgerStore(store)))));
            GatewayServer server = GatewayServer.start(config.server(), tls, handlers, adminSocket);
            ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "bastion-usage-flush");
                t.setDaemon(true);
                return t;
            });
            flusher.scheduleWithFixedDelay(usage::flush, 1, 1, TimeUnit.SECONDS);
            trail.admin(null, "system", "gateway.start", "models=" + config.models().size() + " routes="
                    + config.routes().stream().map(r -> r.name() + ":" + r.storage().configName()).toList());
            long purgeMillis = config.conversations().purgeInterval().toMillis();
            flusher.scheduleWithFixedDelay(() -> purge(vault, trail), purgeMillis, purgeMillis, TimeUnit.MILLISECONDS);
            flusher.scheduleWithFixedDelay(pseudonyms::purgeExpired, 1, 1, TimeUnit.MINUTES);
            return new Gateway(store, keyring, audit, keys, usage, flusher, server, adminKey, local, metrics.tracing(),
                    limiter, sharedState);
        } catch (RuntimeException e) {
            closeAll(sharedState);
            if (local != null) {
                local.close();
            }
            if (keyring != null) {
                keyring.close();
            }
            if (audit != null) {
                audit.close();
            }
            store.close();
            throw e;
        }
    }

    /**
     * The key service. A replica of a cluster on PostgreSQL hears of every key change another makes
     * ({@link dev.bastion.store.jdbc.PostgresKeyChanges}, added to {@code sharedState} to be closed with the
     * gateway) and so caches recognised keys longer; otherwise a cached key is looked up again after a second.
     */
    private static KeyService keyService(GatewayConfig config, Database store, KeyedHasher hasher, Clock clock,
            List<AutoCloseable> sharedState) {
        JdbcKeyRepository repository = new JdbcKeyRepository(store);
        boolean hearsChanges = config.cluster().enabled() && store.isPostgres();
        KeyService keys = hearsChanges
                ? new KeyService(repository, hasher, RandomTokens.secure(), clock, KeyService.CLUSTER_CACHE_TTL)
                : new KeyService(repository, hasher, RandomTokens.secure(), clock);
        sharedState.add(keys.keepFresh());
        if (!hearsChanges) {
            return keys;
        }
        sharedState.add(dev.bastion.store.jdbc.PostgresKeyChanges.start(store,
                new dev.bastion.store.jdbc.PostgresKeyChanges.Listener() {
                    @Override
                    public void keyChanged(String id) {
                        keys.forgetKey(id);
                    }

                    @Override
                    public void keysMayHaveChanged() {
                        keys.forgetAllKeys();
                    }
                }));
        return keys;
    }

    /**
     * Sends this replica's audit records to the Kafka audit topic. In a method of its own so that no Kafka class is
     * loaded unless {@code cluster.kafka-bootstrap} is set.
     */
    private static AutoCloseable replicateAudit(GatewayConfig config, AuditLog audit, AuditTrail trail) {
        dev.bastion.gateway.pipeline.AuditReplication replication = dev.bastion.gateway.cluster.audit.KafkaAuditProducer
                .start(config.cluster().kafkaBootstrap().get(), config.cluster().effectiveNodeId(), audit.keyId());
        trail.replicate(replication);
        return replication;
    }

    /**
     * The rate limiter: shared through Redis when {@code cluster.redis-url} is set (docs/scale-out.md), else kept
     * in this process.
     */
    private static RateLimiter limiter(GatewayConfig config, Map<String, String> env) {
        if (config.cluster().redisUrl().isPresent()) {
            return dev.bastion.gateway.cluster.RedisRateLimiter.connect(config.cluster(), config.limits(), env);
        }
        return new LocalRateLimiter(config.limits(), System::nanoTime);
    }

    /** Closes the parts, newest first; a failure is logged, not thrown. */
    private static void closeAll(List<AutoCloseable> parts) {
        for (AutoCloseable part : parts.reversed()) {
            try {
                part.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "cannot close " + part.getClass().getSimpleName() + " ("
                        + e.getClass().getSimpleName() + ")");
            }
        }
    }

    /**
     * Builds, and drops unstarted, a web server configured as {@link GatewayServer}'s is: Helidon's service registry,
     * configuration and protocol set-up run once per JVM, and this runs them while the store opens. It binds no
     * port (only {@code start()} does) and starts no thread.
     */
    private static Void prepareWebServer() {
        io.helidon.webserver.WebServer.builder().host("127.0.0.1").port(0).shutdownHook(false)
                .protocolsDiscoverServices(false)
                .addProtocol(io.helidon.webserver.http1.Http1Config.builder().build())
                .routing(r -> r.get("/readyz", (req, res) -> res.send()))
                .build();
        return null;
    }

    /** The key service over stored keys, with the API-key hashing keyset kept in {@code <data-dir>/keys/}. */
    public static KeyService keyService(Path dataDir, KeyRepository keys, Clock clock) {
        return new KeyService(keys, apiKeyHasher(dataDir), RandomTokens.secure(), clock);
    }

    /** Live conversations the pseudonym vault holds at most (a few KB each, sealed): memory stays bounded. */
    private static final int MAX_PSEUDONYM_CONVERSATIONS = 100_000;

    /**
     * The vault of conversation pseudonyms. Its data key is made fresh at every start and never written anywhere.
     * On a single node the tables live only in memory, so stopping the gateway destroys every table with it. With
     * {@code cluster.redis-url} they live sealed in Redis, shared by the replicas (docs/scale-out.md): each sealed
     * table then carries its data key wrapped under the master key, which every replica must share.
     */
    private static PseudonymVault pseudonymVault(GatewayConfig config, Map<String, String> env, Clock clock,
            KeyedHasher hasher, List<AutoCloseable> sharedState) {
        Envelope envelope = Envelope.open(config.conversations().masterKey(), env);
        String subject = "pseudonym-vault";
        byte[] dataKey = envelope.newWrappedKey(subject);
        MemoryTables memory = new MemoryTables(clock, MAX_PSEUDONYM_CONVERSATIONS);
        if (config.cluster().redisUrl().isEmpty()) {
            return new PseudonymVault(Sealer.envelope(envelope, dataKey, subject), config.guard().pseudonymTtl(), memory);
        }
        dev.bastion.gateway.cluster.RedisTables shared = dev.bastion.gateway.cluster.RedisTables.connect(config.cluster(),
                env, hasher, memory);
        sharedState.add(shared);
        return new PseudonymVault(Sealer.portable(envelope, dataKey, subject), config.guard().pseudonymTtl(), shared);
    }

    /** The keyed hash for API keys and data-subject ids, from {@code <data-dir>/keys/api-key-hash.json}. */
    public static KeyedHasher apiKeyHasher(Path dataDir) {
        createPrivateDirectory(dataDir.resolve("keys"));
        return KeyedHasher.loadOrCreate(dataDir.resolve("keys").resolve("api-key-hash.json"));
    }

    /** The retention run: deletes expired conversations and records the run in the audit log. */
    private static void purge(ConversationVault vault, AuditTrail trail) {
        try {
            ConversationVault.Purge purge = vault.purgeExpired();
            if (purge.removedAnything()) {
                trail.admin(null, "system", "retention.purge", "content_dropped=" + purge.contentDropped()
                        + " conversations_deleted=" + purge.conversationsDeleted() + " keys_destroyed=" + purge.keysDestroyed());
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "the retention purge failed (" + e.getClass().getSimpleName() + "); retrying later");
        }
    }

    /** Creates {@code dir} (mode 0700) if missing; an existing one loses its group and other permissions. */
    public static void createPrivateDirectory(Path dir) {
        try {
            OwnerOnly.directory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + dir + " (" + e.getClass().getSimpleName()
                    + "); choose another with --data-dir or BASTION_DATA_DIR", e);
        }
    }

    /** Files from older versions (SQLite files were 0644) or put there by hand become owner-only at start. */
    private static void narrowDataDir(Path dataDir) {
        try {
            OwnerOnly.narrowTree(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the data directory " + dataDir + " owner-only ("
                    + e.getClass().getSimpleName() + "); check its owner", e);
        }
    }

    public int port() {
        return server.port();
    }

    /** The bound port of the admin console, when it is open. */
    public java.util.OptionalInt consolePort() {
        return server.adminPort();
    }

    public KeyService keys() {
        return keys;
    }

    /** The rate limiter requests are admitted by: in-process, or shared through Redis (tests stop it). */
    public RateLimiter rateLimiter() {
        return limiter;
    }

    /** The backend of {@code backend: local} models, for tests and metrics (what is loaded, what is in flight). */
    public LocalBackend localBackend() {
        return local;
    }

    /** The audit log this gateway writes (tests inject write failures through it). */
    public AuditLog auditLog() {
        return audit;
    }

    /** The admin key file written at first start, if this start wrote one. */
    public Optional<Path> bootstrapAdminKey() {
        return bootstrapAdminKey;
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            flusher.shutdownNow();
            local.close();
            usage.flush();
            closeAll(sharedState);
            audit.close();
            keyring.close();
            store.close();
            tracing.close(); // flushes spans still batched for export
            LOG.log(System.Logger.Level.INFO, "gateway stopped");
        }
    }
}
