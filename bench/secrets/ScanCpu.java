import dev.bastion.guard.secrets.SecretsScanner;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
/**
 * Thread CPU time of the secrets scanner per line and per MB (no JVM start, no printing): every UTF-8 file under the
 * given folders, two warm-up passes, then the median of seven timed passes. CPU time, not wall time, so a loaded
 * machine slows it less than it slows ScanSpeed; still, compare two builds in the same run (bench/secrets/cpu.sh).
 *
 *   java -cp GUARD_CLASSES_OR_JAR:DEPENDENCY_JARS bench/secrets/ScanCpu.java FOLDER...
 */
public class ScanCpu {
  public static void main(String[] a) throws Exception {
    List<String> texts = new ArrayList<>();
    for (String root : a) try (var w = Files.walk(Path.of(root))) { for (Path p : w.filter(Files::isRegularFile).sorted().toList()) {
      byte[] b = Files.readAllBytes(p); if (b.length > 10 << 20) continue;
      try { texts.add(StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(b)).toString()); } catch (Exception e) {} } }
    long chars = texts.stream().mapToLong(String::length).sum();
    long lines = texts.stream().mapToLong(t -> t.chars().filter(c -> c == '\n').count() + 1).sum();
    SecretsScanner s = SecretsScanner.builtIn();
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    int findings = 0;
    for (int warm = 0; warm < 2; warm++) for (String t : texts) findings += s.scan(List.of(t)).size();
    long[] cpu = new long[7];
    for (int rep = 0; rep < cpu.length; rep++) {
      long t0 = mx.getCurrentThreadCpuTime();
      for (String t : texts) s.scan(List.of(t));
      cpu[rep] = mx.getCurrentThreadCpuTime() - t0;
    }
    Arrays.sort(cpu);
    long median = cpu[cpu.length / 2];
    System.out.printf("%d files, %d lines, %.2f M chars, %d rules, %d findings a pass; thread CPU median of 7: %.0f ms"
        + " = %.0f ns/line = %.1f ms/MB (min %.0f ms, max %.0f ms)%n", texts.size(), lines, chars / 1e6, s.rules().size(),
        findings / 2, median / 1e6, (double) median / lines, median / 1e6 / (chars / 1e6), cpu[0] / 1e6, cpu[cpu.length - 1] / 1e6);
  }
}
