package dev.bastion.gateway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Assumptions;

/**
 * A Kafka broker for the cluster audit tests: the broker from Maven ({@code kafka_2.13}, test scope) in a child JVM
 * started with this JVM's class path, KRaft in combined mode (broker and controller in one process), on free
 * loopback ports, with its log directory under the test's temporary directory; the storage is formatted first (a
 * JVM of its own). Nothing is installed: .ci/run needs Maven only. When the broker does not start, a test fails
 * under CI ({@code BASTION_TEST_KAFKA=required}) and is skipped otherwise, with the broker's output.
 */
public final class TestKafka implements AutoCloseable {
    private final Process process;
    private final String bootstrap;
    private final Duration startTime;
    private final Path log;

    private TestKafka(Process process, String bootstrap, Duration startTime, Path log) {
        this.process = process;
        this.bootstrap = bootstrap;
        this.startTime = startTime;
        this.log = log;
    }

    /** Formats a log directory under {@code dir}, starts the broker and waits until it answers (up to 180 s). */
    public static TestKafka start(Path dir) {
        long started = System.nanoTime();
        try {
            Files.createDirectories(dir);
            int port = freePort();
            int controller = freePort();
            Path properties = dir.resolve("server.properties");
            Files.writeString(properties, String.join("\n",
                    "process.roles=broker,controller",
                    "node.id=1",
                    "controller.quorum.voters=1@127.0.0.1:" + controller,
                    "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller,
                    "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                    "controller.listener.names=CONTROLLER",
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                    "inter.broker.listener.name=PLAINTEXT",
                    "log.dirs=" + dir.resolve("logs"),
                    "num.partitions=1",
                    "auto.create.topics.enable=false",
                    "offsets.topic.replication.factor=1",
                    "offsets.topic.num.partitions=1",
                    "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1",
                    "transaction.state.log.num.partitions=1",
                    "share.coordinator.state.topic.replication.factor=1",
                    "share.coordinator.state.topic.min.isr=1",
                    "group.initial.rebalance.delay.ms=0",
                    "") );
            Path log = dir.resolve("broker.log");
            String clusterId = clusterId();
            Process format = javaProcess(List.of("kafka.tools.StorageTool", "format", "-t", clusterId, "-c",
                    properties.toString()), dir.resolve("format.log")).start();
            if (!format.waitFor(90, TimeUnit.SECONDS) || format.exitValue() != 0) {
                format.destroyForcibly();
                skipOrFail("formatting the Kafka storage failed: " + Files.readString(dir.resolve("format.log")));
            }
            long formatted = System.nanoTime();
            Process broker = javaProcess(List.of("kafka.Kafka", properties.toString()), log).start();
            String bootstrap = "127.0.0.1:" + port;
            TestKafka kafka = new TestKafka(broker, bootstrap, Duration.ZERO, log);
            long deadline = System.nanoTime() + 180_000_000_000L; // 44 s seen at load 17 on 2 cores
            while (!kafka.answers()) {
                if (!broker.isAlive() || System.nanoTime() > deadline) {
                    broker.destroyForcibly();
                    skipOrFail("the Kafka broker did not start: " + Files.readString(log));
                }
                Thread.sleep(100);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            System.out.printf("kafka: storage formatted in %d ms; broker (child JVM, -Xmx512m) answered %d ms later%n",
                    (formatted - started) / 1_000_000, (System.nanoTime() - formatted) / 1_000_000);
            return new TestKafka(broker, bootstrap, took, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A child JVM on this JVM's class path, its output to {@code output}. */
    public static ProcessBuilder javaProcess(List<String> mainAndArgs, Path output) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path")));
        command.addAll(mainAndArgs);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    }

    private boolean answers() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(bootstrap.substring(bootstrap.indexOf(':') + 1))), 200);
        } catch (IOException e) {
            return false;
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000))) {
            return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    public String bootstrap() {
        return bootstrap;
    }

    /** From the start of the format to the first answer. */
    public Duration startTime() {
        return startTime;
    }

    /** The broker's output, for a failing test's message. */
    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(cannot read " + log + ")";
        }
    }

    /** Stops the broker (SIGTERM, then SIGKILL after 20 s). */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /**
     * A random cluster id in Kafka's form (a UUID in unpadded base64url). One in 64 of those starts with '-', which
     * the storage tool's argument parser takes for an option ("--cluster-id: expected one argument"): such ids are
     * drawn again, as Kafka's own Uuid.randomUuid does.
     */
    private static String clusterId() {
        while (true) {
            String id = Base64.getUrlEncoder().withoutPadding().encodeToString(uuidBytes());
            if (!id.startsWith("-")) {
                return id;
            }
        }
    }

    private static byte[] uuidBytes() {
        UUID u = UUID.randomUUID();
        return java.nio.ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void skipOrFail(String why) {
        if ("required".equals(System.getenv("BASTION_TEST_KAFKA"))) {
            throw new AssertionError(why);
        }
        Assumptions.abort(why);
    }
}
