import dev.bastion.gateway.config.ConfigLoader;
import dev.bastion.gateway.pipeline.CompiledRoute;
import java.lang.management.ManagementFactory;
import java.util.*;
/**
 * Each scanner of the default route (embedded defaults) on the gateway-overhead bench's prompt (input scanners) and
 * answer (output scanners), after 200,000 warm-up rounds: the thread's CPU time per call when called back to back
 * (warm: the scanner's tables, models and code stay in the CPU caches) and when 64 MB of memory are walked before
 * each call (cold: as inside a gateway, where a request's other work and other processes evict them between two
 * scans). "(empty call)" is the measurement's own cost in each mode. A warm loop (StageCost) says what a scanner
 * computes; the cold figure comes closer to what it costs in place (docs/benchmarks.md, gateway overhead, round
 * seventeen).
 *
 *   java -cp "app/target/bastion.jar:app/target/lib/*" bench/gateway-overhead/ColdScan.java [CALLS]   (default 3000)
 */
public class ColdScan {
    static byte[] junk = new byte[64 << 20];
    static long evict() { long s = 0; for (int i = 0; i < junk.length; i += 64) { junk[i]++; s += junk[i]; } return s; }
    public static void main(String[] a) throws Exception {
        int n = a.length > 0 ? Integer.parseInt(a[0]) : 3000;
        var mx = ManagementFactory.getThreadMXBean();
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("coldscan");
        var config = ConfigLoader.load(Optional.empty(), dir, Map.of(), Map.of(), dir).config();
        var route = CompiledRoute.compileAll(config.routes(), config.guard()).getFirst();
        List<String> prompt = List.of("Summarise the benefits of local inference in one sentence.");
        List<String> user = List.of("user");
        List<String> reply = List.of("Local inference keeps sensitive data on your own machines.");
        Map<String, Runnable> steps = new LinkedHashMap<>();
        steps.put("(empty call)", () -> {});
        for (var s : route.inputScanners()) steps.put("input " + s.id(), () -> s.scan(prompt, user));
        for (var s : route.outputScanners()) steps.put("output " + s.id(), () -> s.scan(reply));
        steps.put("all seven in a row", () -> { for (var s : route.inputScanners()) s.scan(prompt, user); for (var s : route.outputScanners()) s.scan(reply); });
        for (int i = 0; i < 200_000; i++) for (var r : steps.values()) r.run(); // JIT
        long sink = 0;
        for (var e : steps.entrySet()) {
            long warm = 0, cold = 0;
            for (int i = 0; i < n; i++) { long c0 = mx.getCurrentThreadCpuTime(); e.getValue().run(); warm += mx.getCurrentThreadCpuTime() - c0; }
            for (int i = 0; i < n; i++) { sink += evict(); long c0 = mx.getCurrentThreadCpuTime(); e.getValue().run(); cold += mx.getCurrentThreadCpuTime() - c0; }
            System.out.printf("%-22s warm %7.2f us  cold %7.2f us%n", e.getKey(), warm / 1e3 / n, cold / 1e3 / n);
        }
        System.out.println("load " + ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() + " " + (sink & 1));
    }
}
