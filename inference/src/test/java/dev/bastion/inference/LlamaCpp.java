package dev.bastion.inference;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** llama.cpp through its Java binding (de.kherud:llama, test scope): the reference engine for tests and benchmarks. */
public final class LlamaCpp implements AutoCloseable {
    private final LlamaModel model;

    public LlamaCpp(Path file, int context, int threads) {
        this(file, context, threads, 1);
    }

    /**
     * With {@code slots} sequences decoded together (llama.cpp's server slots, continuous batching on); the context is
     * shared, {@code context / slots} tokens each. Concurrent calls of {@link #complete} from several threads then
     * run in one batch per step.
     */
    public LlamaCpp(Path file, int context, int threads, int slots) {
        ModelParameters p = new ModelParameters().setModel(file.toString()).setCtxSize(context)
                .setThreads(threads).setThreadsBatch(threads).setGpuLayers(0).disableLog();
        model = new LlamaModel(slots > 1 ? p.setParallel(slots).enableContBatching() : p);
    }

    /**
     * The texts of the first {@code n} greedy tokens after {@code prompt}, end-of-generation tokens ignored.
     * (The binding's n_probs option aborts the process in version 4.2.0, so probabilities are not read.)
     */
    public List<String> greedy(String prompt, int n) {
        InferenceParameters p = new InferenceParameters(prompt).setTemperature(0f).setNPredict(n).setIgnoreEos(true)
                .setCachePrompt(false).setSeed(1);
        List<String> out = new ArrayList<>();
        for (LlamaOutput o : model.generate(p)) {
            if (out.size() < n) {
                out.add(o.text);
            }
        }
        return out;
    }

    /** Generates {@code n} tokens, for timing. */
    public String complete(String prompt, int n) {
        return model.complete(new InferenceParameters(prompt).setTemperature(0f).setNPredict(n).setIgnoreEos(true)
                .setCachePrompt(false));
    }

    /** The text of the first {@code n} of {@code ids}. */
    public String decodePrefix(int[] ids, int n) {
        return model.decode(java.util.Arrays.copyOf(ids, Math.min(n, ids.length)));
    }

    /** Streams {@code n} greedy tokens after {@code prompt}; returns System.nanoTime() at each token's arrival. */
    public long[] timeTokens(String prompt, int n) {
        InferenceParameters p = new InferenceParameters(prompt).setTemperature(0f).setNPredict(n).setIgnoreEos(true)
                .setCachePrompt(false);
        long[] at = new long[n];
        int i = 0;
        for (LlamaOutput o : model.generate(p)) {
            if (i < n) {
                at[i++] = System.nanoTime();
            }
        }
        return at;
    }

    public int[] encode(String text) {
        return model.encode(text);
    }

    @Override
    public void close() {
        model.close();
    }
}
