package dev.bastion.inference;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A harness (not a unit test): the process CPU time and wall time of loading a GGUF file's weights
 * ({@link Weights#load}, the repacking of interleaved rows included), so that two builds or settings (for example
 * {@code -Dbastion.inference.k-rows=true}) can be compared side by side.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *     -cp inference/target/classes:inference/target/test-classes dev.bastion.inference.LoadCpuTime FILE
 * </pre>
 */
public final class LoadCpuTime {

    private LoadCpuTime() {
    }

    public static void main(String[] args) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long wall0 = System.nanoTime();
        GgufFile file = GgufFile.open(Path.of(args[0]));
        ModelConfig c = ModelConfig.from(file);
        Weights w = Weights.load(file, c);
        long wall1 = System.nanoTime();
        long cpu1 = os.getProcessCpuTime();
        System.out.printf(Locale.ROOT, "%s: load %.2f s of process CPU, %.2f s wall (%s)%n", Path.of(args[0]).getFileName(),
                (cpu1 - cpu0) / 1e9, (wall1 - wall0) / 1e9, w.getClass().getSimpleName());
        for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM") || line.startsWith("VmRSS") || line.startsWith("RssAnon")
                    || line.startsWith("RssFile")) {
                System.out.println("  " + line.replaceAll("\\s+", " "));
            }
        }
    }
}
