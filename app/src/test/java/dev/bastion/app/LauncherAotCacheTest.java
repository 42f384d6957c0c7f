package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The source checkout's {@code ./bastion} and its AOT cache, on a checkout made for the test: the real launcher and
 * packaging/aot-train.sh beside a small jar that serves /readyz as {@code bastion serve} does, so nothing is built
 * and the test does not depend on the app's own start. What is held: the first serve trains a cache; a stale or
 * damaged cache never stops serve from starting nor writes to standard output; a rebuilt jar is trained again.
 */
class LauncherAotCacheTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    /** A stand-in for bastion.jar: {@code serve --port 0} listens, prints where, answers /readyz 200, waits. */
    private static final String FAKE_MAIN = """
            import com.sun.net.httpserver.HttpServer;
            import java.net.InetSocketAddress;
            public class FakeBastion {
                public static void main(String[] args) throws Exception {
                    if (args.length == 0 || !args[0].equals("serve")) {
                        StringBuilder gc = new StringBuilder();
                        for (var b : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
                            gc.append(b.getName()).append(';');
                        }
                        var hotspot = java.lang.management.ManagementFactory.getPlatformMXBean(
                                com.sun.management.HotSpotDiagnosticMXBean.class);
                        System.out.println("not serve; gc: " + gc + " traps: "
                                + hotspot.getVMOption("PerMethodTrapLimit").getValue() + " recompiles: "
                                + hotspot.getVMOption("PerMethodRecompilationCutoff").getValue() + ";");
                        return;
                    }
                    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                    s.createContext("/", x -> { x.sendResponseHeaders(x.getRequestURI().getPath().equals("/readyz")
                            ? 200 : 401, -1); x.close(); });
                    s.start();
                    System.err.println("vector module: " + ModuleLayer.boot().findModule("jdk.incubator.vector")
                            .isPresent());
                    StringBuilder gc = new StringBuilder();
                    for (var b : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
                        gc.append(b.getName()).append(';');
                    }
                    System.err.println("serve gc: " + gc);
                    System.out.println("listening http://127.0.0.1:" + s.getAddress().getPort());
                    System.out.flush();
                    Thread.sleep(Long.MAX_VALUE);
                }
            }
            """;

    @TempDir
    Path checkout;

    private Path jar;

    @BeforeEach
    void fakeCheckout() throws IOException {
        assumeTrue(Files.isRegularFile(REPO.resolve("bastion")), "run from the app module of a source checkout");
        Files.createDirectories(checkout.resolve("packaging"));
        Files.createDirectories(checkout.resolve("app/target/lib"));
        for (String file : List.of("bastion", "packaging/aot-train.sh", "packaging/local-models.sh")) {
            Files.copy(REPO.resolve(file), checkout.resolve(file));
            checkout.resolve(file).toFile().setExecutable(true);
        }
        Path src = checkout.resolve("fake/FakeBastion.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, FAKE_MAIN);
        assertThat(ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", src.getParent().toString(),
                src.toString())).isZero();
        Files.delete(src); // no source newer than the jar: the launcher must not try to build it
        jar = checkout.resolve("app/target/bastion.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "FakeBastion");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.putNextEntry(new JarEntry("FakeBastion.class"));
            out.write(Files.readAllBytes(src.getParent().resolve("FakeBastion.class")));
            out.closeEntry();
        }
    }

    /**
     * Runs {@code ./bastion serve --port 0 ARGS} to its first line on standard output, stops it; returns out and err.
     */
    private String[] serve(String... args) throws Exception {
        return serve(Map.of(), args);
    }

    /** {@link #serve(String...)} with {@code env} added to the launcher's environment. */
    private String[] serve(Map<String, String> env, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(checkout.resolve("bastion").toString(), "serve",
                "--port", "0"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(checkout.toFile())
                .redirectError(checkout.resolve("err.txt").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("BASTION_"));
        pb.environment().put("HOME", checkout.resolve("home").toString()); // no ~/.bastion/models of the user's
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String first = out.readLine();
            return new String[] {first == null ? "" : first, Files.readString(checkout.resolve("err.txt"))};
        } finally {
            p.destroy();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
    }

    private Path onlyCache() throws IOException {
        return onlyCache("serve");
    }

    private Path onlyCache(String kind) throws IOException {
        try (Stream<Path> files = Files.list(checkout.resolve("app/target/aot"))) {
            List<Path> caches = files.filter(f -> f.getFileName().toString().matches(kind + "-.+\\.aot")).toList();
            assertThat(caches).as("one cache, named for the JDK").hasSize(1);
            return caches.getFirst();
        }
    }

    @Test
    void theFirstServeTrainsACacheThatLaterStartsUseAndARebuiltJarIsTrainedAgain() throws Exception {
        String[] first = serve();
        assertThat(first[0]).as("stderr: %s", first[1]).startsWith("listening http://127.0.0.1:");
        assertThat(first[1]).contains("start-up cache written").contains("vector module: false");
        Path cache = onlyCache();
        assertThat(Files.size(cache)).isGreaterThan(1_000_000L);
        FileTime trained = Files.getLastModifiedTime(cache);

        String[] second = serve();
        assertThat(second[0]).startsWith("listening http://127.0.0.1:");
        assertThat(second[1]).doesNotContain("start-up cache");
        assertThat(Files.getLastModifiedTime(cache)).isEqualTo(trained);

        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(5)));
        String[] rebuilt = serve();
        assertThat(rebuilt[0]).startsWith("listening http://127.0.0.1:");
        assertThat(rebuilt[1]).contains("start-up cache written");
        assertThat(Files.getLastModifiedTime(onlyCache())).isNotEqualTo(trained);
    }

    @Test
    void aDamagedCacheIsIgnoredByTheJvmAndNothingReachesStandardOutput() throws Exception {
        Path cache = checkout.resolve("app/target/aot/serve-damaged.aot");
        Files.createDirectories(cache.getParent());
        String jdk = Files.readAllLines(Path.of(System.getProperty("java.home"), "release")).stream()
                .filter(l -> l.startsWith("JAVA_RUNTIME_VERSION=")).findFirst().orElseThrow()
                .replaceAll("^JAVA_RUNTIME_VERSION=\"(.*)\"$", "$1").replaceAll("[^A-Za-z0-9.+-]", "_");
        cache = cache.resolveSibling("serve-" + jdk + ".aot");
        byte[] garbage = new byte[4096];
        new java.util.Random(7).nextBytes(garbage);
        Files.write(cache, garbage); // newer than the jar: the launcher takes it as current and hands it to the JVM

        String[] run = serve();

        assertThat(run[0]).as("stderr: %s", run[1]).startsWith("listening http://127.0.0.1:");
        assertThat(run[1]).doesNotContain("start-up cache").doesNotContainIgnoringCase("[aot]")
                .doesNotContainIgnoringCase("[cds]");
        assertThat(Files.readAllBytes(cache)).as("left as it was, not retrained").isEqualTo(garbage);
    }

    @Test
    void serveWithPulledModelsGetsTheVectorModuleAndItsOwnCacheAndServeWithoutThemDoesNot() throws Exception {
        Path data = checkout.resolve("data");
        Files.createDirectories(data.resolve("models"));
        Files.writeString(data.resolve("models/tiny.gguf"), "GGUF");

        String[] engine = serve("--data-dir", data.toString());
        assertThat(engine[0]).as("stderr: %s", engine[1]).startsWith("listening http://127.0.0.1:");
        assertThat(engine[1]).contains("start-up cache written").contains("vector module: true")
                .doesNotContain("vector module: false");
        assertThat(Files.size(onlyCache("engine"))).isGreaterThan(1_000_000L);

        String[] again = serve("--data-dir=" + data);
        assertThat(again[1]).doesNotContain("start-up cache").contains("vector module: true");

        String[] plain = serve("--data-dir", checkout.resolve("empty").toString());
        assertThat(plain[0]).as("stderr: %s", plain[1]).startsWith("listening http://127.0.0.1:");
        assertThat(plain[1]).contains("vector module: false").doesNotContain("vector module: true");
        assertThat(onlyCache("serve")).isNotEqualTo(onlyCache("engine"));
    }

    @Test
    void serveRunsG1AndZgcFromBastionJavaOptsGetsACacheOfItsOwnTrainedUnderIt() throws Exception {
        String[] g1 = serve();
        assertThat(g1[0]).as("stderr: %s", g1[1]).startsWith("listening http://127.0.0.1:");
        assertThat(g1[1]).contains("start-up cache written").contains("serve gc: G1 ").doesNotContain("ZGC");
        Path g1Cache = onlyCache();
        FileTime trained = Files.getLastModifiedTime(g1Cache);

        String[] zgc = serve(Map.of("BASTION_JAVA_OPTS", "-XX:+UseZGC"));
        assertThat(zgc[0]).as("stderr: %s", zgc[1]).startsWith("listening http://127.0.0.1:");
        assertThat(zgc[1]).as("a cache of its own").contains("start-up cache written").contains("serve gc: ZGC")
                .doesNotContain("G1 ");
        Path zgcCache = onlyCache("serve-zgc");
        assertThat(exitWithCache(zgcCache, "-XX:+UseZGC")).as("trained under ZGC: the JVM takes it").isZero();
        assertThat(exitWithCache(g1Cache, "-XX:+UseZGC")).as("why: G1's is refused under ZGC").isNotZero();

        String[] again = serve();
        assertThat(again[1]).doesNotContain("start-up cache").contains("serve gc: G1 ");
        assertThat(Files.getLastModifiedTime(g1Cache)).as("G1's cache kept as it was").isEqualTo(trained);
    }

    /** Exit code of {@code java -XX:AOTMode=on -XX:AOTCache=CACHE FLAGS -jar bastion.jar --version}: 0 = cache used. */
    private int exitWithCache(Path cache, String... flags) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-XX:AOTMode=on", "-XX:AOTCache=" + cache));
        command.addAll(List.of(flags));
        command.addAll(List.of("--sun-misc-unsafe-memory-access=allow", "-jar", jar.toString(), "--version"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(checkout.resolve("aot-check.txt").toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    @Test
    void chatAndGenerateRunTheSerialCollectorUnlessBastionJavaOptsNamesAnother() throws Exception {
        assertThat(command(Map.of(), "generate", "--model", "m")).contains("gc: Copy;MarkSweepCompact;");
        assertThat(command(Map.of(), "chat", "--model", "m")).contains("gc: Copy;MarkSweepCompact;");
        assertThat(command(Map.of("BASTION_JAVA_OPTS", "-XX:+UseG1GC"), "generate", "--model", "m"))
                .contains("gc: G1 ").doesNotContain("MarkSweepCompact");
    }

    /**
     * The engine's commands get the raised JIT limits (packaging/local-models.sh: without them C2 compiled the kernels
     * with boxed vectors in about a third of fresh processes); other commands keep the JVM's, and BASTION_JAVA_OPTS wins.
     */
    @Test
    void chatAndGenerateRaiseTheJitLimitsOtherCommandsKeepTheJvmsAndBastionJavaOptsWins() throws Exception {
        assertThat(command(Map.of(), "generate", "--model", "m")).contains("traps: 100000 recompiles: 100000;");
        assertThat(command(Map.of(), "chat", "--model", "m")).contains("traps: 100000 recompiles: 100000;");
        assertThat(command(Map.of(), "scan", "--text", "x")).contains("traps: 100 recompiles: 400;");
        assertThat(command(Map.of("BASTION_JAVA_OPTS", "-XX:PerMethodTrapLimit=7"), "generate", "--model", "m"))
                .contains("traps: 7 recompiles: 100000;");
    }

    /** Runs {@code ./bastion ARGS} with {@code env} added; returns its first line on standard output. */
    private String command(Map<String, String> env, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(checkout.resolve("bastion").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(checkout.toFile())
                .redirectError(checkout.resolve("err.txt").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("BASTION_"));
        pb.environment().put("HOME", checkout.resolve("home").toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String first = out.readLine();
            return first == null ? "" : first;
        } finally {
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        }
    }
}
