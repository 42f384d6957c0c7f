import dev.bastion.guard.secrets.SecretsScanner;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
/**
 * Throughput of the secrets scanner alone (no JVM start, no printing): every UTF-8 file under the given folders,
 * two warm-up passes, best of five timed passes. Run it against two builds of the guard module to compare them:
 *
 *   java -cp GUARD_CLASSES_OR_JAR:DEPENDENCY_JARS bench/secrets/ScanSpeed.java FOLDER...
 *
 * (bench/secrets/speed.sh builds the class path.)
 */
public class ScanSpeed {
  public static void main(String[] a) throws Exception {
    List<String> texts = new ArrayList<>();
    for (String root : a) try (var w = Files.walk(Path.of(root))) { for (Path p : w.filter(Files::isRegularFile).sorted().toList()) {
      byte[] b = Files.readAllBytes(p); if (b.length > 10 << 20) continue;
      try { texts.add(StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(b)).toString()); } catch (Exception e) {} } }
    long chars = texts.stream().mapToLong(String::length).sum();
    SecretsScanner s = SecretsScanner.builtIn();
    int findings = 0;
    for (int warm = 0; warm < 2; warm++) for (String t : texts) findings += s.scan(List.of(t)).size();
    long best = Long.MAX_VALUE;
    for (int rep = 0; rep < 5; rep++) { long t0 = System.nanoTime(); for (String t : texts) s.scan(List.of(t)); best = Math.min(best, System.nanoTime() - t0); }
    System.out.printf("%d files, %.2f M chars, %d rules, best of 5: %.0f ms = %.2f M chars/s%n", texts.size(), chars / 1e6, s.rules().size(), best / 1e6, chars / 1e6 / (best / 1e9));
  }
}
