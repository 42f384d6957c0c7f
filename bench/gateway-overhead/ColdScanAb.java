import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.*;

/**
 * Two builds' scanners side by side in one JVM, cold: each build's jar and lib/ in a class loader of its own, the
 * default route (embedded defaults) compiled in each, and every scanner called on the gateway-overhead bench's
 * prompt (input scanners) or answer (output scanners) with MB megabytes of memory walked before each call, the calls
 * of build A and build B interleaved (A, B, A, B ...) so that both see the same load, the same caches and the same
 * moment. Prints the thread's CPU time per call for each scanner and build, then B / A. A machine shared by other
 * processes moves both builds alike, so the ratio holds where the absolute figures do not (docs/benchmarks.md,
 * gateway overhead, round eighteen; ColdScan.java measures one build).
 *
 *   java bench/gateway-overhead/ColdScanAb.java A_ROOT B_ROOT [CALLS] [MB] [WARM]   (roots hold
 *       app/target/bastion.jar and app/target/lib/; defaults: 2000 calls, 64 MB, 100,000 warm-up rounds)
 */
public class ColdScanAb {
    static byte[] junk;

    static long evict() {
        long s = 0;
        for (int i = 0; i < junk.length; i += 64) {
            junk[i]++;
            s += junk[i];
        }
        return s;
    }

    record Build(String name, List<Object> input, List<Object> output, Method scanRoles, Method scan, Method id) {
    }

    static Build load(String root) throws Exception {
        Path target = Path.of(root, "app", "target");
        List<URL> urls = new ArrayList<>(List.of(target.resolve("bastion.jar").toUri().toURL()));
        try (var libs = Files.list(target.resolve("lib"))) {
            for (Path p : libs.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                urls.add(p.toUri().toURL());
            }
        }
        ClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
        Class<?> configLoader = loader.loadClass("dev.bastion.gateway.config.ConfigLoader");
        Path dir = Files.createTempDirectory("coldscanab");
        Method load = configLoader.getMethod("load", Optional.class, Path.class, Map.class, Map.class, Path.class);
        Object loaded = load.invoke(null, Optional.empty(), dir, Map.of(), Map.of(), dir);
        Object config = loaded.getClass().getMethod("config").invoke(loaded);
        Object routes = config.getClass().getMethod("routes").invoke(config);
        Object guard = config.getClass().getMethod("guard").invoke(config);
        Class<?> compiled = loader.loadClass("dev.bastion.gateway.pipeline.CompiledRoute");
        Method compileAll = Arrays.stream(compiled.getMethods())
                .filter(m -> m.getName().equals("compileAll") && m.getParameterCount() == 2).findFirst().orElseThrow();
        Object route = ((List<?>) compileAll.invoke(null, routes, guard)).getFirst();
        Class<?> scanner = loader.loadClass("dev.bastion.guard.Scanner");
        return new Build(root, List.copyOf((List<?>) compiled.getMethod("inputScanners").invoke(route)),
                List.copyOf((List<?>) compiled.getMethod("outputScanners").invoke(route)),
                scanner.getMethod("scan", List.class, List.class), scanner.getMethod("scan", List.class),
                scanner.getMethod("id"));
    }

    public static void main(String[] a) throws Exception {
        Build[] builds = {load(a[0]), load(a[1])};
        int n = a.length > 2 ? Integer.parseInt(a[2]) : 2000;
        junk = new byte[(a.length > 3 ? Integer.parseInt(a[3]) : 64) << 20];
        List<String> prompt = List.of("Summarise the benefits of local inference in one sentence.");
        List<String> user = List.of("user");
        List<String> reply = List.of("Local inference keeps sensitive data on your own machines.");
        // Per build: the steps in the same order, each a call of one scanner; the findings must agree.
        List<String> names = new ArrayList<>();
        List<List<Runnable>> steps = List.of(new ArrayList<>(), new ArrayList<>());
        List<List<String>> found = List.of(new ArrayList<>(), new ArrayList<>());
        for (int b = 0; b < 2; b++) {
            Build build = builds[b];
            List<Runnable> own = steps.get(b);
            own.add(() -> { });
            if (b == 0) names.add("(empty call)");
            for (Object s : build.input()) {
                own.add(() -> call(build.scanRoles(), s, prompt, user));
                found.get(b).add(String.valueOf(call(build.scanRoles(), s, prompt, user)));
                if (b == 0) names.add("input " + call(build.id(), s));
            }
            for (Object s : build.output()) {
                own.add(() -> call(build.scan(), s, reply));
                found.get(b).add(String.valueOf(call(build.scan(), s, reply)));
                if (b == 0) names.add("output " + call(build.id(), s));
            }
        }
        if (!found.get(0).equals(found.get(1))) {
            throw new IllegalStateException("the two builds find different things: " + found);
        }
        int warm = a.length > 4 ? Integer.parseInt(a[4]) : 100_000;
        for (int i = 0; i < warm; i++) { // JIT, both builds
            for (List<Runnable> own : steps) {
                own.forEach(Runnable::run);
            }
        }
        var mx = ManagementFactory.getThreadMXBean();
        long sink = 0;
        double[][] total = new double[2][names.size()];
        for (int k = 0; k < names.size(); k++) {
            long[] cpu = new long[2];
            for (int i = 0; i < n; i++) {
                for (int b = (i & 1); b < 2 + (i & 1); b++) { // A B, then B A: neither build always goes first
                    int which = b & 1;
                    sink += evict();
                    long c0 = mx.getCurrentThreadCpuTime();
                    steps.get(which).get(k).run();
                    cpu[which] += mx.getCurrentThreadCpuTime() - c0;
                }
            }
            for (int b = 0; b < 2; b++) {
                total[b][k] = cpu[b] / 1e3 / n;
            }
            System.out.printf("%-24s A %8.2f us  B %8.2f us  B/A %.3f%n", names.get(k), total[0][k], total[1][k],
                    total[1][k] / total[0][k]);
        }
        double sa = 0, sb = 0;
        for (int k = 1; k < names.size(); k++) {
            sa += total[0][k] - total[0][0];
            sb += total[1][k] - total[1][0];
        }
        System.out.printf("%-24s A %8.2f us  B %8.2f us  B/A %.3f  (each less its empty call)%n", "all scanners", sa, sb,
                sb / sa);
        System.out.println("load " + ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() + " " + (sink & 1));
    }

    static Object call(Method m, Object target, Object... args) {
        try {
            return m.invoke(target, args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
