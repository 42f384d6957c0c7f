package dev.bastion.bench;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import java.util.Locale;

/**
 * llama.cpp's side of bench/inference/cold.sh: one cold process that loads FILE, generates TOKENS greedy tokens after
 * PROMPT and streams each token's text to standard output as it arrives (as {@code bastion generate} does), so the
 * script times both processes the same way, from their start to the first byte on standard output. Prints on standard
 * error, as {@code bastion generate} does, a stats line with the decode rate over tokens 2..TOKENS.
 *
 * <pre>
 *   ColdLlamaCpp FILE THREADS TOKENS PROMPT [CONTEXT]      (context 4096 by default, as Bastion's)
 * </pre>
 *
 * The binding runs llama.cpp inside a JVM, so this process also pays a JVM start (about 0.1-0.2 s of CPU with the
 * JDK's default CDS archive) that llama.cpp's own command-line programs would not: the script reports it apart.
 */
public final class ColdLlamaCpp {
    private ColdLlamaCpp() {
    }

    public static void main(String[] args) {
        long started = System.nanoTime();
        String file = args[0];
        int threads = Integer.parseInt(args[1]);
        int tokens = Integer.parseInt(args[2]);
        String prompt = args[3];
        int context = args.length > 4 ? Integer.parseInt(args[4]) : 4096; // bastion generate's default context
        // The binding prints a line ("Extracted 'libjllama.so' to ...") on standard output as it loads: sent to
        // standard error instead, so the first byte on standard output is the first token's.
        java.io.PrintStream out = System.out;
        System.setOut(System.err);
        LlamaModel loading;
        try {
            loading = new LlamaModel(new ModelParameters().setModel(file).setCtxSize(context).setThreads(threads)
                    .setThreadsBatch(threads).setGpuLayers(0).disableLog());
        } finally {
            System.setOut(out);
        }
        try (LlamaModel model = loading) {
            long loaded = System.nanoTime();
            InferenceParameters p = new InferenceParameters(prompt).setTemperature(0f).setNPredict(tokens)
                    .setIgnoreEos(true).setCachePrompt(false);
            long first = 0;
            long last = 0;
            int n = 0;
            for (LlamaOutput o : model.generate(p)) {
                System.out.print(o.text);
                System.out.flush();
                last = System.nanoTime();
                if (n++ == 0) {
                    first = last;
                }
            }
            System.out.println();
            System.err.printf(Locale.ROOT, "[llama.cpp: loaded in %.2f s after main; first token %.2f s after load; "
                    + "%d generated, %.1f tokens/s]%n", (loaded - started) / 1e9, (first - loaded) / 1e9, n,
                    n > 1 ? (n - 1) / ((last - first) / 1e9) : 0);
        }
        System.exit(0); // llama.cpp's threads would keep the JVM alive
    }
}
