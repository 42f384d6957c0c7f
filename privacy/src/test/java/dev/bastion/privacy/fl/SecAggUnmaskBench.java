package dev.bastion.privacy.fl;

import dev.bastion.privacy.fl.Messages.AdvertiseKeys;
import dev.bastion.privacy.fl.Messages.ConsistencySignature;
import dev.bastion.privacy.fl.Messages.EncryptedShares;
import dev.bastion.privacy.fl.Messages.Header;
import dev.bastion.privacy.fl.Messages.MaskedInput;
import dev.bastion.privacy.fl.Messages.Stage;
import dev.bastion.privacy.fl.Messages.ToServer;
import dev.bastion.privacy.fl.Messages.UnmaskShares;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * The server's side of one SecAgg+ round at scale, for bench/fl/unmask.sh: what the server receives from N clients
 * is made directly (real X25519 mask keys, real self-mask seeds, real Shamir shares at the holders' points, masked
 * inputs carrying the self mask and every pair mask with a dropped neighbour), so the server does exactly the work
 * of a real round while the clients' protocol work (signatures, sealed shares) is skipped. Masks between two
 * survivors are left out of the inputs: they cancel in the sum and the server never touches them.
 *
 * <p>Prints for each repetition the server's unmasking (the close of the last stage): wall seconds, this process's
 * CPU seconds, the calling thread's CPU seconds (its share of the work dealt to the cores), and whether the output equals the plain sum of the survivors' inputs. The first repetition runs on a
 * cold JIT; a coordinator process runs many rounds, so later ones are the steady state.
 *
 * <p>Usage: {@code SecAggUnmaskBench N P DROPOUT CORRUPT SEED REPETITIONS [reveal|shares]}: with {@code reveal}
 * (the default, protocol version 2) the survivors reveal their pair-mask seeds with dropped peers; with
 * {@code shares} they do not, and the server rebuilds each dropped client's mask key and agrees with every peer.
 */
final class SecAggUnmaskBench {
    private static final com.sun.management.OperatingSystemMXBean OS = (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    private static final java.lang.management.ThreadMXBean THREAD =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private SecAggUnmaskBench() {
    }

    private static String load() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    private static long[] inputOf(int u, long seed, int p, int bits) {
        Random random = new Random(seed * 1_000_003L + u);
        long[] x = new long[p];
        for (int j = 0; j < p; j++) {
            x[j] = random.nextLong() & ((1L << bits) - 1);
        }
        return x;
    }

    private static Header header(SecAggConfig config, Stage stage, int sender) {
        return new Header(config.federation(), config.round(), stage, sender);
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        int p = Integer.parseInt(args[1]);
        double dropout = Double.parseDouble(args[2]);
        double corrupt = Double.parseDouble(args[3]);
        long seed = Long.parseLong(args[4]);
        int repetitions = Integer.parseInt(args[5]);
        // reveal (default): survivors reveal their pair-mask seeds with dropped peers, as clients do since protocol
        // version 2; shares: they send shares only, so the server rebuilds every dropped mask key (version 1's work)
        boolean reveal = args.length < 7 || !args[6].equals("shares");

        int bits = new Quantizer(1.0, 16, 1, n).bits();
        SecAggPlusBounds.Choice choice = SecAggPlusBounds.choose(n, corrupt, Math.max(dropout, 0.01), 40, 20);
        SecAggConfig config = choice.complete()
                ? SecAggConfig.full("bench", 1, n, dropout, p, bits, Duration.ofMinutes(10))
                : SecAggConfig.plus("bench", 1, n, choice.k(), choice.threshold(), dropout, SecAggConfig.seedFrom(seed),
                        p, bits, Duration.ofMinutes(10));
        int t = config.threshold();
        long modMask = (1L << bits) - 1;
        System.out.printf("# clients %d, parameters %d, bits %d, k %d, t %d%s, dropout %.2f after sharing, cores %d, "
                + "load %s%n", n, p, bits, choice.complete() ? n - 1 : choice.k(), t,
                choice.complete() ? " (full SecAgg)" : "", dropout, Runtime.getRuntime().availableProcessors(), load());

        long setup = System.nanoTime();
        Random random = new Random(seed);
        SecureRandom secure = new SecureRandom();
        List<Integer> order = new ArrayList<>();
        for (int u = 1; u <= n; u++) {
            order.add(u);
        }
        Collections.shuffle(order, random);
        SortedSet<Integer> dropped = new TreeSet<>(order.subList(0, (int) Math.floor(n * dropout)));
        KeyAgreement.Pair[] maskPairs = new KeyAgreement.Pair[n + 1];
        byte[][] selfSeeds = new byte[n + 1][32];
        for (int u = 1; u <= n; u++) {
            maskPairs[u] = KeyAgreement.generate();
            secure.nextBytes(selfSeeds[u]);
        }
        // owner -> holder -> the holder's share of the owner's self-mask seed (survivors) or mask key (dropped)
        List<Map<Integer, Shamir.Share>> shares = IntStream.rangeClosed(0, n).parallel().mapToObj(u -> {
            Map<Integer, Shamir.Share> byHolder = new HashMap<>();
            if (u == 0) {
                return byHolder;
            }
            int[] xs = config.holdersOf(u).stream().mapToInt(Integer::intValue).toArray();
            byte[] secret = dropped.contains(u) ? maskPairs[u].insecureScalar() : selfSeeds[u];
            for (Shamir.Share s : Shamir.split(secret, t, xs, secure)) {
                byHolder.put(s.x(), s);
            }
            return byHolder;
        }).toList();
        // each survivor's masked input: its input, its self mask, and its pair masks with dropped neighbours (whose
        // seeds it keeps, to reveal at unmasking)
        List<Map<Integer, byte[]>> pairSeeds = IntStream.rangeClosed(0, n).mapToObj(u -> (Map<Integer, byte[]>) new HashMap<Integer, byte[]>()).toList();
        List<long[]> masked = IntStream.rangeClosed(0, n).parallel().mapToObj(u -> {
            if (u == 0 || dropped.contains(u)) {
                return new long[0];
            }
            long[] y = inputOf(u, seed, p, bits);
            Prg.maskInto(y, selfSeeds[u], config.selfMaskDomain(), 1, bits);
            for (int v : config.holdersOf(u)) {
                if (v != u && dropped.contains(v)) {
                    byte[] pairSeed = KeyAgreement.agree(maskPairs[u].privateKey(), maskPairs[v].publicKey(),
                            config.pairInfo("pair-mask", u, v));
                    Prg.maskInto(y, pairSeed, config.pairMaskDomain(), u > v ? 1 : -1, bits);
                    pairSeeds.get(u).put(v, pairSeed);
                }
            }
            return y;
        }).toList();
        long[] plain = new long[p];
        for (int u = 1; u <= n; u++) {
            if (!dropped.contains(u)) {
                SecAggClient.addInto(plain, inputOf(u, seed, p, bits), 1, modMask);
            }
        }
        System.out.printf("# setup (not timed): %.1f s; %d survivors, %d dropped after sharing%n",
                (System.nanoTime() - setup) / 1e9, n - dropped.size(), dropped.size());

        for (int rep = 1; rep <= repetitions; rep++) {
            Instant now = Instant.EPOCH;
            SecAggServer server = new SecAggServer(config, now);
            byte[] placeholder = new byte[64]; // the server forwards sealed shares and signatures without reading them
            feed(server, IntStream.rangeClosed(1, n).mapToObj(u -> (ToServer) new AdvertiseKeys(
                    header(config, Stage.ADVERTISE_KEYS, u), maskPairs[u].publicKey(), maskPairs[u].publicKey(),
                    placeholder)).toList(), now);
            feed(server, IntStream.rangeClosed(1, n).mapToObj(u -> {
                SortedMap<Integer, byte[]> sealed = new TreeMap<>();
                config.holdersOf(u).stream().filter(v -> v != u).forEach(v -> sealed.put(v, placeholder));
                return (ToServer) new EncryptedShares(header(config, Stage.SHARE_KEYS, u), sealed);
            }).toList(), now);
            List<Integer> survivors = IntStream.rangeClosed(1, n).filter(u -> !dropped.contains(u)).boxed().toList();
            feed(server, survivors.stream().map(u -> (ToServer) new MaskedInput(header(config, Stage.MASKED_INPUT, u),
                    masked.get(u), bits)).toList(), now.plusSeconds(3600));
            feed(server, survivors.stream().map(u -> (ToServer) new ConsistencySignature(
                    header(config, Stage.CONSISTENCY_CHECK, u), placeholder)).toList(), now.plusSeconds(7200));
            List<ToServer> unmasking = new ArrayList<>();
            for (int w : survivors) {
                Map<Integer, Shamir.Share> selfShares = new HashMap<>();
                Map<Integer, Shamir.Share> keyShares = new HashMap<>();
                for (int owner : config.holdersOf(w)) {
                    Shamir.Share s = shares.get(owner).get(w);
                    (dropped.contains(owner) ? keyShares : selfShares).put(owner, s);
                }
                unmasking.add(UnmaskShares.perRound(header(config, Stage.UNMASKING, w), selfShares, keyShares,
                        reveal ? pairSeeds.get(w) : Map.of()));
            }
            for (ToServer m : unmasking) {
                if (!(server.receive(m) instanceof SecAggServer.Receipt.Accepted)) {
                    throw new IllegalStateException("the server refused an unmasking message");
                }
            }
            long wall0 = System.nanoTime();
            long cpu0 = OS.getProcessCpuTime();
            long own0 = THREAD.getCurrentThreadCpuTime();
            SecAggServer.Step step = server.close(now.plusSeconds(10_800));
            double wall = (System.nanoTime() - wall0) / 1e9;
            double cpu = (OS.getProcessCpuTime() - cpu0) / 1e9;
            double own = (THREAD.getCurrentThreadCpuTime() - own0) / 1e9;
            boolean exact = step instanceof SecAggServer.Step.Done done && Arrays.equals(done.sum(), plain);
            System.out.printf("repetition %d: server unmasking %.2f s wall, %.2f s CPU (process), %.2f s CPU (calling "
                    + "thread), exact sum: %s, load %s%n", rep, wall, cpu, own, exact, load());
            if (!exact) {
                System.out.println("outcome: " + step);
                System.exit(1);
            }
        }
    }

    private static void feed(SecAggServer server, List<ToServer> messages, Instant closeAt) {
        for (ToServer m : messages) {
            if (!(server.receive(m) instanceof SecAggServer.Receipt.Accepted)) {
                throw new IllegalStateException("the server refused a message of " + m.header().stage());
            }
        }
        if (!(server.close(closeAt) instanceof SecAggServer.Step.Send)) {
            throw new IllegalStateException("the server did not move on after " + messages.get(0).header().stage());
        }
    }
}
