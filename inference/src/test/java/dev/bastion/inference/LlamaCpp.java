package dev.bastion.inference;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** llama.cpp through its Java binding (de.kherud:llama, test scope): the reference engine for tests and benchmarks. */
public final class LlamaCpp implements AutoCloseable {
    private final LlamaModel model;

    public LlamaCpp(Path file, int context, int threads) {
        model = new LlamaModel(new ModelParameters().setModel(file.toString()).setCtxSize(context)
                .setThreads(threads).setThreadsBatch(threads).setGpuLayers(0).disableLog());
    }

    /** One generated token: its text and, when asked, the probabilities of the top candidates by token text. */
    public record Step(String text, Map<String, Float> probabilities) {
    }

    /** Greedy continuation of {@code prompt}, {@code n} tokens, end-of-generation tokens ignored. */
    public List<Step> greedy(String prompt, int n, int probabilities) {
        InferenceParameters p = new InferenceParameters(prompt).setTemperature(0f).setNPredict(n).setIgnoreEos(true)
                .setNProbs(probabilities).setCachePrompt(false).setSeed(1);
        List<Step> out = new ArrayList<>();
        for (LlamaOutput o : model.generate(p)) {
            out.add(new Step(o.text, o.probabilities));
        }
        return out;
    }

    /** Generates {@code n} tokens, for timing. */
    public String complete(String prompt, int n) {
        return model.complete(new InferenceParameters(prompt).setTemperature(0f).setNPredict(n).setIgnoreEos(true)
                .setCachePrompt(false));
    }

    public int[] encode(String text) {
        return model.encode(text);
    }

    @Override
    public void close() {
        model.close();
    }
}
