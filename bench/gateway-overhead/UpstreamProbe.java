import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.backend.OpenAiBackend;
import dev.bastion.gateway.config.Location;
import dev.bastion.gateway.config.ModelSettings;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's upstream call alone, in the gateway's own classes: {@code OpenAiBackend.complete} (request
 * serialised, posted, answer read and parsed) from 10 virtual threads against a loopback upstream, with the client
 * {@code server.upstream-client} names (auto: Helidon's WebClient for plain HTTP; jdk: the JDK HttpClient). After
 * WARM requests at full rate from 64 threads (so that, as in the gateway benchmark, the client holds more
 * connections than the 10 threads that follow use), MEASURE requests paced like the gateway benchmark (each thread pausing 10 ms between
 * requests: about 1,000 requests/s), then MEASURE at full rate; for each, the process CPU time over the requests
 * (what the client costs, JIT and GC included), the bytes allocated by all threads (virtual threads are counted on
 * their carriers) over the requests, and the call's p50 and p99. A process CPU figure is the whole JVM's,
 * so run nothing else in it. Run with a build's class path:
 *
 *   java -cp 'TREE/app/target/lib/*' bench/gateway-overhead/UpstreamProbe.java URL auto|jdk [WARM] [MEASURE]
 */
public class UpstreamProbe {
    public static void main(String[] args) throws Exception {
        URI base = URI.create(args[0]);
        String client = args[1];
        int warm = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        int measure = args.length > 3 ? Integer.parseInt(args[3]) : 10_000;
        ModelSettings model = new ModelSettings("bench-model", ModelSettings.OPENAI, Optional.of(base), Optional.empty(),
                "bench-model", Location.LOCAL, Optional.empty(), Duration.ofSeconds(5), Duration.ofSeconds(120), 0);
        OpenAiBackend backend = new OpenAiBackend(Map.of(), client);
        ObjectNode request = (ObjectNode) new ObjectMapper().readTree("{\"model\":\"bench-model\",\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"Summarise the benefits of local inference in one sentence.\"}]}");
        run(backend, model, request, warm, 0, 64); // as the gateway benchmark warms up: 64 connections, then 10 in use
        for (int pause : new int[] {10, 0}) {
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long bytes0 = threads.getTotalThreadAllocatedBytes();
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            List<Long> micros = run(backend, model, request, measure, pause, 10);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpuMicros = (os.getProcessCpuTime() - cpu0) / 1e3;
            double bytes = threads.getTotalThreadAllocatedBytes() - bytes0;
            int n = micros.size();
            System.out.printf("PROBE client=%s mode=%s requests=%d rps=%.0f cpu_us_per_request=%.0f alloc_bytes_per_request=%.0f p50_us=%d p99_us=%d%n",
                    client, pause > 0 ? "paced" : "max", n, n / seconds, cpuMicros / n, bytes / n, micros.get(n / 2),
                    micros.get(n * 99 / 100));
        }
    }

    /** Sends {@code count} requests from {@code threads} virtual threads, each pausing {@code pause} ms after each answer. */
    private static List<Long> run(OpenAiBackend backend, ModelSettings model, ObjectNode request, int count, int pause,
            int threads) throws Exception {
        List<Long> micros = Collections.synchronizedList(new ArrayList<>(count));
        AtomicInteger left = new AtomicInteger(count);
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < threads; t++) {
                executor.submit(() -> {
                    while (left.getAndDecrement() > 0) {
                        long start = System.nanoTime();
                        ObjectNode answer = backend.complete(model, request);
                        if (!answer.has("choices")) {
                            throw new IllegalStateException("no choices in the answer");
                        }
                        micros.add((System.nanoTime() - start) / 1000);
                        if (pause > 0) {
                            Thread.sleep(pause);
                        }
                    }
                    return null;
                });
            }
        }
        Collections.sort(micros);
        return micros;
    }
}
