package dev.bastion.privacy.fl;

import dev.bastion.crypto.SigningKey;
import dev.bastion.privacy.fl.Messages.Stage;
import dev.bastion.privacy.fl.Messages.ToClient;
import dev.bastion.privacy.fl.Messages.ToServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One SecAgg+ round in one JVM at a given scale, for bench/fl/scale.sh: N clients with random inputs in Z_2^b of P
 * coordinates, a fraction D of them silent from one stage on, clients of a stage run on a pool of threads, the server
 * on the calling thread. Prints, per stage, the clients' compute seconds (wall), the server's seconds, and the bytes;
 * then the unmasking seconds, the bytes per client against plain FedAvg at b bits per coordinate, and whether the sum
 * equals the plain sum of the survivors' inputs.
 *
 * <p>Usage: {@code SecAggScaleBench N P DROPOUT STAGE CORRUPT THREADS SEED}.
 */
final class SecAggScaleBench {
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS = (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    private SecAggScaleBench() {
    }

    /** Each client's CPU nanoseconds in one stage (its own thread's time, so the load on the machine adds little). */
    private static final class StageCpu {
        private final java.util.concurrent.atomic.AtomicLongArray nanos;

        StageCpu(int n) {
            nanos = new java.util.concurrent.atomic.AtomicLongArray(n + 1);
        }

        void accumulate(int client, long value) {
            nanos.addAndGet(client, value);
        }

        double max() {
            long max = 0;
            for (int i = 0; i < nanos.length(); i++) {
                max = Math.max(max, nanos.get(i));
            }
            return max / 1e9;
        }

        double mean() {
            long sum = 0;
            int count = 0;
            for (int i = 0; i < nanos.length(); i++) {
                if (nanos.get(i) > 0) {
                    sum += nanos.get(i);
                    count++;
                }
            }
            return count == 0 ? 0 : sum / 1e9 / count;
        }
    }

    /** Client u's input, made again from its own seed when the sum is checked (at 10^6 parameters none is kept). */
    private static long[] inputOf(int u, long seed, int p, int bits) {
        Random random = new Random(seed * 1_000_003L + u);
        long[] x = new long[p];
        for (int j = 0; j < p; j++) {
            x[j] = random.nextLong() & ((1L << bits) - 1);
        }
        return x;
    }

    private static String load() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        int p = Integer.parseInt(args[1]);
        double dropout = Double.parseDouble(args[2]);
        Stage dropStage = Stage.valueOf(args[3]);
        double corrupt = Double.parseDouble(args[4]);
        int threads = Integer.parseInt(args[5]);
        long seed = Long.parseLong(args[6]);

        int bits = new Quantizer(1.0, 16, 1, n).bits();
        SecAggPlusBounds.Choice choice = SecAggPlusBounds.choose(n, corrupt, Math.max(dropout, 0.01), 40, 20);
        SecAggConfig config = choice.complete()
                ? SecAggConfig.full("bench", 1, n, dropout, p, bits, Duration.ofMinutes(10))
                : SecAggConfig.plus("bench", 1, n, choice.k(), choice.threshold(), dropout, SecAggConfig.seedFrom(seed),
                        p, bits, Duration.ofMinutes(10));
        System.out.printf("clients %d, parameters %d, bits %d, k %d, t %d%s, dropout %.2f at %s, corrupt %.2f, "
                + "threads %d, cores %d%n", n, p, bits, choice.complete() ? n - 1 : choice.k(), config.threshold(),
                choice.complete() ? " (full SecAgg)" : "", dropout, dropStage, corrupt, threads,
                Runtime.getRuntime().availableProcessors());

        long setup = System.nanoTime();
        Random random = new Random(seed);
        Map<Integer, byte[]> roster = new HashMap<>();
        Map<Integer, SigningKey> identities = new HashMap<>();
        for (int u = 1; u <= n; u++) {
            SigningKey key = SigningKey.generate(SigningKey.Algorithm.ED25519);
            identities.put(u, key);
            roster.put(u, key.publicKeyX509());
        }
        Map<Integer, SecAggClient> clients = new HashMap<>();
        for (int u = 1; u <= n; u++) {
            clients.put(u, new SecAggClient(config, u, identities.get(u), roster, inputOf(u, seed, p, bits),
                    new Random(seed * 31 + u)));
        }
        List<Integer> order = new ArrayList<>(clients.keySet());
        java.util.Collections.shuffle(order, random);
        Set<Integer> dropping = new HashSet<>(order.subList(0, (int) Math.floor(n * dropout)));
        System.out.printf("setup (keys and inputs, not timed below): %.1f s%n", (System.nanoTime() - setup) / 1e9);

        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> { // daemon: a failed run must not hang
            Thread thread = new Thread(r);
            thread.setDaemon(true);
            return thread;
        });
        Instant now = Instant.EPOCH;
        SecAggServer server = new SecAggServer(config, now);
        long[] up = new long[Stage.values().length];
        long[] down = new long[Stage.values().length];
        double[] clientSeconds = new double[Stage.values().length];
        double[] serverSeconds = new double[Stage.values().length];
        int[] senders = new int[Stage.values().length];
        Stage stage = Stage.ADVERTISE_KEYS;
        List<ToClient> inbox = null;
        SecAggServer.Step step;
        double[] clientCpuMax = new double[Stage.values().length];
        double[] clientCpuMean = new double[Stage.values().length];
        double[] serverCpu = new double[Stage.values().length];
        while (true) {
            StageCpu clientCpu = new StageCpu(n);
            long c0 = System.nanoTime();
            List<Future<ToServer>> futures = new ArrayList<>();
            if (stage == Stage.ADVERTISE_KEYS) {
                for (int u = 1; u <= n; u++) {
                    SecAggClient c = clients.get(u);
                    if (!(dropping.contains(u) && dropStage == stage)) {
                        int id = u;
                        futures.add(pool.submit(() -> {
                            long cpu0 = THREADS.getCurrentThreadCpuTime();
                            ToServer advert = c.advertise();
                            clientCpu.accumulate(id, THREADS.getCurrentThreadCpuTime() - cpu0);
                            return advert;
                        }));
                    }
                }
            } else {
                for (ToClient m : inbox) {
                    int u = m.recipient();
                    if (dropping.contains(u) && dropStage.ordinal() <= stage.ordinal()) {
                        continue;
                    }
                    SecAggClient c = clients.get(u);
                    futures.add(pool.submit(() -> {
                        long cpu0 = THREADS.getCurrentThreadCpuTime();
                        SecAggClient.Reply reply = c.receive(m);
                        clientCpu.accumulate(u, THREADS.getCurrentThreadCpuTime() - cpu0);
                        return switch (reply) {
                            case SecAggClient.Reply.Send s -> s.message();
                            case SecAggClient.Reply.Abort a -> throw new IllegalStateException("a client aborted");
                        };
                    }));
                }
            }
            List<ToServer> replies = new ArrayList<>();
            for (Future<ToServer> f : futures) {
                replies.add(f.get());
            }
            clientSeconds[stage.ordinal()] = (System.nanoTime() - c0) / 1e9;
            clientCpuMax[stage.ordinal()] = clientCpu.max();
            clientCpuMean[stage.ordinal()] = clientCpu.mean();
            long s0 = System.nanoTime();
            long sCpu0 = OS.getProcessCpuTime();
            for (ToServer m : replies) {
                if (!(server.receive(m) instanceof SecAggServer.Receipt.Accepted)) {
                    throw new IllegalStateException("the server refused a message");
                }
                up[stage.ordinal()] += m.wireBytes();
            }
            senders[stage.ordinal()] = replies.size();
            step = server.close(now);
            if (step instanceof SecAggServer.Step.Waiting w) {
                now = w.deadline().plusMillis(1);
                step = server.close(now);
            }
            serverSeconds[stage.ordinal()] = (System.nanoTime() - s0) / 1e9;
            serverCpu[stage.ordinal()] = (OS.getProcessCpuTime() - sCpu0) / 1e9;
            System.out.printf("  done %s: %d senders, clients %.2f s, server %.2f s (CPU %.2f s), load %s%n", stage,
                    replies.size(), clientSeconds[stage.ordinal()], serverSeconds[stage.ordinal()],
                    serverCpu[stage.ordinal()], load());
            if (!(step instanceof SecAggServer.Step.Send send)) {
                break;
            }
            inbox = send.messages();
            down[stage.ordinal()] = inbox.stream().mapToLong(ToClient::wireBytes).sum();
            stage = send.stage();
        }
        pool.shutdown();

        double total = 0;
        long totalUp = 0;
        long totalDown = 0;
        double deployed = 0;
        System.out.println("stage               senders  client-s  client-cpu-mean  client-cpu-max  server-s  server-cpu"
                + "   up-bytes/sender  down-bytes/recipient");
        for (Stage s : Stage.values()) {
            int i = s.ordinal();
            total += clientSeconds[i] + serverSeconds[i];
            deployed += clientCpuMax[i] + serverSeconds[i];
            totalUp += up[i];
            totalDown += down[i];
            System.out.printf("%-18s %8d %9.2f %16.4f %15.4f %9.2f %11.2f %17d %21d%n", s, senders[i], clientSeconds[i],
                    clientCpuMean[i], clientCpuMax[i], serverSeconds[i], serverCpu[i],
                    senders[i] == 0 ? 0 : up[i] / senders[i], senders[i] == 0 ? 0 : down[i] / Math.max(1, senders[i]));
        }
        if (!(step instanceof SecAggServer.Step.Done done)) {
            System.out.println("outcome: " + step);
            return;
        }
        SortedSet<Integer> included = done.included();
        long[] plain = new long[p];
        for (int u : included) {
            SecAggClient.addInto(plain, inputOf(u, seed, p, bits), 1, (1L << bits) - 1);
        }
        int survivors = included.size();
        long plainBytes = 24 + ((long) p * bits + 7) / 8;
        long perClient = totalUp / survivors + totalDown / survivors;
        System.out.printf("round: %.2f s (clients %.2f s on %d threads, server %.2f s); unmasking (server): %.2f s%n",
                total, Arrays.stream(clientSeconds).sum(), threads, Arrays.stream(serverSeconds).sum(),
                serverSeconds[Stage.UNMASKING.ordinal()]);
        System.out.printf("per client (CPU seconds, all stages): mean %.3f s, slowest stage by stage summed %.3f s; "
                + "server CPU %.2f s; round with each client on its own core (slowest client's CPU per stage + server "
                + "wall): %.2f s%n", Arrays.stream(clientCpuMean).sum(), Arrays.stream(clientCpuMax).sum(),
                Arrays.stream(serverCpu).sum(), deployed);
        System.out.printf("bytes per surviving client: up %d, down %d, total %d; plain FedAvg (%d bits a coordinate) "
                + "%d each way: %.3fx up, %.3fx up+down%n", totalUp / survivors, totalDown / survivors, perClient, bits,
                plainBytes, (double) (totalUp / survivors) / plainBytes, (double) perClient / (2.0 * plainBytes));
        System.out.println("summed " + survivors + " of " + n + "; exact sum: " + Arrays.equals(plain, done.sum()));
    }
}
