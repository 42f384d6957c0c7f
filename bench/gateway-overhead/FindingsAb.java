import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.*;

/**
 * Whether two builds' default-route scanners find the same things: every line (up to 4,000 characters) of every file
 * under the given folders (or of the given files) is scanned by each input scanner (as a user message), by each input scanner as a tool
 * result (role tool), and by each output scanner, in build A and build B (a class loader each, as in ColdScanAb), and
 * the findings (type, segment, span, score, scanner) compared. Prints the texts, scans and findings compared and
 * every difference; exits 1 on any. For a change meant to be speed-only inside guard/.
 *
 *   java bench/gateway-overhead/FindingsAb.java A_ROOT B_ROOT FOLDER_OR_FILE...
 */
public class FindingsAb {
    record Build(List<Object> input, List<Object> output, Method scanRoles, Method scan, Method id) {
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
        Path dir = Files.createTempDirectory("findingsab");
        Object loaded = loader.loadClass("dev.bastion.gateway.config.ConfigLoader")
                .getMethod("load", Optional.class, Path.class, Map.class, Map.class, Path.class)
                .invoke(null, Optional.empty(), dir, Map.of(), Map.of(), dir);
        Object config = loaded.getClass().getMethod("config").invoke(loaded);
        Class<?> compiled = loader.loadClass("dev.bastion.gateway.pipeline.CompiledRoute");
        Method compileAll = Arrays.stream(compiled.getMethods())
                .filter(m -> m.getName().equals("compileAll") && m.getParameterCount() == 2).findFirst().orElseThrow();
        Object route = ((List<?>) compileAll.invoke(null, config.getClass().getMethod("routes").invoke(config),
                config.getClass().getMethod("guard").invoke(config))).getFirst();
        Class<?> scanner = loader.loadClass("dev.bastion.guard.Scanner");
        return new Build(List.copyOf((List<?>) compiled.getMethod("inputScanners").invoke(route)),
                List.copyOf((List<?>) compiled.getMethod("outputScanners").invoke(route)),
                scanner.getMethod("scan", List.class, List.class), scanner.getMethod("scan", List.class),
                scanner.getMethod("id"));
    }

    static List<String> findings(Build b, String text) throws Exception {
        List<String> out = new ArrayList<>();
        for (Object s : b.input()) {
            out.add(b.id().invoke(s) + " user " + b.scanRoles().invoke(s, List.of(text), List.of("user")));
            out.add(b.id().invoke(s) + " tool " + b.scanRoles().invoke(s, List.of(text), List.of("tool")));
        }
        for (Object s : b.output()) {
            out.add(b.id().invoke(s) + " output " + b.scan().invoke(s, List.of(text)));
        }
        return out;
    }

    public static void main(String[] a) throws Exception {
        Build x = load(a[0]);
        Build y = load(a[1]);
        List<String> texts = new ArrayList<>();
        for (int i = 2; i < a.length; i++) {
            try (var files = Files.walk(Path.of(a[i]))) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    String body = new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
                    for (String line : body.split("\n")) {
                        if (!line.isBlank()) {
                            texts.add(line.length() > 4000 ? line.substring(0, 4000) : line);
                        }
                    }
                }
            }
        }
        long scans = 0;
        long found = 0;
        int differ = 0;
        for (String t : texts) {
            List<String> fx = findings(x, t);
            List<String> fy = findings(y, t);
            scans += fx.size();
            for (String s : fx) {
                found += s.endsWith("[]") ? 0 : s.split("Finding\\[").length - 1;
            }
            if (scans / fx.size() % 2000 == 0) {
                System.err.println((scans / fx.size()) + " texts compared");
            }
            if (!fx.equals(fy)) {
                differ++;
                System.out.println("DIFFERENT (" + t.length() + " chars): A " + fx + " B " + fy);
            }
        }
        System.out.printf("%d texts, %d scans per build, %d findings in A, %d texts with different findings%n",
                texts.size(), scans, found, differ);
        System.exit(differ == 0 ? 0 : 1);
    }
}
