import dev.bastion.gateway.config.ClusterSettings;
import dev.bastion.gateway.config.LimitSettings;
import dev.bastion.gateway.identity.RateLimiter;
import dev.bastion.store.keys.ApiKey;
import dev.bastion.store.keys.Limits;
import dev.bastion.store.keys.Role;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import redis.clients.jedis.RedisClient;

/**
 * What the shared limiter costs Redis per request, without a gateway around it (bench/cluster/redis-cost.sh
 * measures it through one): THREADS threads each admit a request through {@code RedisRateLimiter}, hold it HOLD_MS
 * (the request's work), charge 30 tokens and end it, REQUESTS times in all, on one key whose limits and whose
 * tenant's limits are all set (high enough that nothing is refused). Redis's CPU (INFO cpu, user + sys) and its
 * command counts (INFO commandstats, after CONFIG RESETSTAT) are read before and after; the same count of seconds
 * with no requests is measured first and subtracted (the server's own timers). A single-file program, run by
 * bench/cluster/limiter-cost.sh against a build's jars.
 *
 *   java -cp 'app/target/lib/*:app/target/bastion.jar' bench/cluster/LimiterRedisCost.java REDIS_URL REQUESTS THREADS HOLD_MS
 */
public class LimiterRedisCost {
    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        int requests = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        long holdMillis = Long.parseLong(args[3]);
        Limits high = new Limits(100_000_000, 100_000_000_000L, 100_000);
        String hex = java.util.HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        ApiKey key = new ApiKey("key_" + hex, new byte[] {1}, Role.USER, "t" + hex, List.of("*"), Instant.EPOCH,
                Optional.empty(), Optional.empty(), Optional.of(high), "");
        ClusterSettings cluster = new ClusterSettings(Optional.of(url), Optional.empty(), "cost", 1,
                Duration.ofSeconds(30), Optional.empty());
        try (RedisClient admin = RedisClient.create(url.getHost(), url.getPort());
                var limiter = dev.bastion.gateway.cluster.RedisRateLimiter.connect(cluster,
                        new LimitSettings(high, high), Map.of())) {
            run(limiter, key, Math.min(requests, 2000), threads, holdMillis); // warm-up: JIT, pool, script cache
            Thread.sleep(200);
            long t0 = System.nanoTime();
            double idle0 = cpu(admin);
            long wall = Math.max(1, (long) (requests * (holdMillis + 0.2) / threads));
            Thread.sleep(Math.min(wall, 5000));
            double idlePerMs = (cpu(admin) - idle0) / ((System.nanoTime() - t0) / 1e6);
            admin.sendCommand(redis.clients.jedis.Protocol.Command.CONFIG, "RESETSTAT");
            double before = cpu(admin);
            long start = System.nanoTime();
            run(limiter, key, requests, threads, holdMillis);
            Thread.sleep(50); // the last settlements (at most 5 ms late)
            double ms = (System.nanoTime() - start) / 1e6;
            double used = cpu(admin) - before - idlePerMs * ms;
            String stats = admin.info("commandstats");
            long evalsha = calls(stats, "evalsha");
            long all = 0;
            for (String line : stats.split("\r?\n")) {
                if (line.startsWith("cmdstat_") && !line.startsWith("cmdstat_config") && !line.startsWith("cmdstat_info")) {
                    all += Long.parseLong(line.replaceAll("^[^:]*:calls=(\\d+).*", "$1"));
                }
            }
            System.out.printf(java.util.Locale.ROOT,
                    "RESULT limiter-cost: %d requests, %d threads, hold %d ms: %.0f requests/s; Redis CPU %.1f us/request"
                            + " (idle %.1f ms/s subtracted); EVALSHA %.2f/request, commands %.2f/request; load %s%n",
                    requests, threads, holdMillis, requests / (ms / 1000), used * 1e6 / requests, idlePerMs * 1e6,
                    (double) evalsha / requests, (double) all / requests,
                    java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0]);
        }
    }

    private static void run(RateLimiter limiter, ApiKey key, int requests, int threads, long holdMillis)
            throws Exception {
        AtomicInteger next = new AtomicInteger();
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            all.add(Thread.ofPlatform().start(() -> {
                while (next.getAndIncrement() < requests) {
                    if (!(limiter.tryAcquire(key) instanceof RateLimiter.Admission.Admitted a)) {
                        throw new IllegalStateException("refused: the limits are meant never to bind");
                    }
                    if (holdMillis > 0) {
                        try {
                            Thread.sleep(holdMillis);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                    a.permit().chargeTokens(30);
                    a.permit().close();
                }
            }));
        }
        for (Thread t : all) {
            t.join();
        }
    }

    private static double cpu(RedisClient redis) {
        double s = 0;
        for (String line : redis.info("cpu").split("\r?\n")) {
            if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
                s += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return s;
    }

    private static long calls(String stats, String command) {
        for (String line : stats.split("\r?\n")) {
            if (line.startsWith("cmdstat_" + command + ":")) {
                return Long.parseLong(line.replaceAll("^[^:]*:calls=(\\d+).*", "$1"));
            }
        }
        return 0;
    }
}
