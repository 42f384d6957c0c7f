import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;

/**
 * Isolates the upstream client: the JDK HttpClient (HTTP/1.1, as the gateway's openai backend uses it) posting a
 * small chat request from 10 virtual threads, each pausing 10 ms between requests (about 1,000 requests/s), and
 * prints p50 and p99 per round. Run: java JdkClientProbe.java URL [ROUNDS]
 */
public class JdkClientProbe {
    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"bench-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build();
        for (int round = 1; round <= rounds; round++) {
            List<Long> micros = Collections.synchronizedList(new ArrayList<>());
            long end = System.nanoTime() + 8_000_000_000L;
            try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int t = 0; t < 10; t++) {
                    threads.submit(() -> {
                        while (System.nanoTime() < end) {
                            long start = System.nanoTime();
                            HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                            if (r.statusCode() != 200) {
                                throw new IllegalStateException("status " + r.statusCode());
                            }
                            micros.add((System.nanoTime() - start) / 1000);
                            Thread.sleep(10);
                        }
                        return null;
                    });
                }
            }
            Collections.sort(micros);
            int n = micros.size();
            System.out.printf("probe round=%d requests=%d p50_us=%d p99_us=%d%n", round, n, micros.get(n / 2),
                    micros.get(n * 99 / 100));
        }
    }
}
