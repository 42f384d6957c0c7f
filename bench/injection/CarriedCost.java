import dev.bastion.guard.injection.CarriedInstructions;
import dev.bastion.guard.injection.InjectionModel;
import dev.bastion.guard.injection.InjectionRules;
import dev.bastion.guard.injection.InjectionScanner;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Round eighteen: thread CPU of the content path ({@code scanContent}, one document at a time) without and with the
 * carried model, alternated in one JVM (A B A B ...), per KB of text: median and p99 over the documents of each pass,
 * and the pass's total. The load of the machine moves wall time, not this thread's CPU time as much.
 *
 * <pre>
 * java -cp 'app/target/bastion.jar:app/target/lib/*' bench/injection/CarriedCost.java ROUNDS FILE.jsonl...
 * </pre>
 */
public final class CarriedCost {
    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        List<String> docs = new ArrayList<>();
        for (int a = 1; a < args.length; a++) {
            for (String line : Files.readAllLines(Path.of(args[a]))) {
                if (!line.isBlank()) {
                    docs.add(new com.google.gson.Gson().fromJson(line, com.google.gson.JsonObject.class).get("text").getAsString());
                }
            }
        }
        InjectionModel m = InjectionModel.builtIn();
        InjectionScanner without = new InjectionScanner(m, InjectionRules.builtIn(), Optional.empty(), m.threshold(false),
                m.indirectThreshold(false));
        InjectionScanner with = new InjectionScanner(m, InjectionRules.builtIn(), Optional.empty(), m.threshold(false),
                m.indirectThreshold(false), Optional.of(CarriedInstructions.builtIn()));
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        long chars = docs.stream().mapToLong(String::length).sum();
        System.out.printf(Locale.ROOT, "%d documents, %d characters%n", docs.size(), chars);
        pass(without, docs, bean); // warm-up, not reported
        pass(with, docs, bean);
        for (int r = 0; r < rounds; r++) {
            for (InjectionScanner s : List.of(without, with)) {
                double[] perKb = pass(s, docs, bean);
                double total = perKb[perKb.length - 1];
                double[] sorted = Arrays.copyOf(perKb, perKb.length - 1);
                Arrays.sort(sorted);
                System.out.printf(Locale.ROOT, "round %d %-7s total %.0f ms CPU (%.3f ms per KB)  per document per KB: p50 %.3f p99 %.3f ms%n",
                        r + 1, s == with ? "with" : "without", total, total / (chars / 1024.0),
                        sorted[sorted.length / 2], sorted[(int) (sorted.length * 0.99)]);
            }
        }
    }

    /** Thread CPU per KB of each document (ms), and the pass's total CPU in ms as the last element. */
    static double[] pass(InjectionScanner s, List<String> docs, ThreadMXBean bean) {
        double[] out = new double[docs.size() + 1];
        long start = bean.getCurrentThreadCpuTime();
        for (int i = 0; i < docs.size(); i++) {
            long t0 = bean.getCurrentThreadCpuTime();
            s.scanContent(List.of(docs.get(i)));
            out[i] = (bean.getCurrentThreadCpuTime() - t0) / 1e6 / Math.max(0.25, docs.get(i).length() / 1024.0);
        }
        out[docs.size()] = (bean.getCurrentThreadCpuTime() - start) / 1e6;
        return out;
    }
}
