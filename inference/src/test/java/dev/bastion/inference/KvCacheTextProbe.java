package dev.bastion.inference;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.args.CacheType;
import java.nio.file.Path;

/**
 * A harness (not a unit test): the greedy texts of {@link ContinuousBatchingTest#PROMPTS} ({@code TOKENS} tokens
 * each) with a key/value cache of the given type, from llama.cpp (de.kherud:llama, flash attention on, which its
 * quantised V cache needs) or from Bastion, one line per prompt, so that two runs can be compared with diff. Run
 * each llama.cpp cache type in a JVM of its own: llama.cpp may abort the process on a cache it does not support.
 *
 * <pre>
 * java -cp ... dev.bastion.inference.KvCacheTextProbe llamacpp|bastion FILE f32|f16|q8_0
 * </pre>
 */
public final class KvCacheTextProbe {

    private KvCacheTextProbe() {
    }

    public static void main(String[] args) throws Exception {
        String engine = args[0];
        Path file = Path.of(args[1]);
        String cache = args[2];
        int tokens = ContinuousBatchingTest.TOKENS;
        if (engine.equals("llamacpp")) {
            CacheType type = switch (cache) {
                case "f32" -> CacheType.F32;
                case "f16" -> CacheType.F16;
                case "q8_0" -> CacheType.Q8_0;
                default -> throw new IllegalArgumentException("cache type f32, f16 or q8_0, got " + cache);
            };
            try (LlamaModel model = new LlamaModel(new ModelParameters().setModel(file.toString()).setCtxSize(512)
                    .setThreads(1).setThreadsBatch(1).setGpuLayers(0).enableFlashAttn().setCacheTypeK(type)
                    .setCacheTypeV(type))) {
                for (String prompt : ContinuousBatchingTest.PROMPTS) {
                    StringBuilder text = new StringBuilder();
                    InferenceParameters p = new InferenceParameters(prompt).setTemperature(0f).setNPredict(tokens)
                            .setIgnoreEos(true).setCachePrompt(false).setSeed(1);
                    for (LlamaOutput o : model.generate(p)) {
                        text.append(o.text);
                    }
                    System.out.println("llamacpp " + cache + " | " + prompt + " | " + text.toString().replace("\n", "\\n"));
                }
            }
        } else {
            try (LocalModel m = LocalModel.load(file, new LocalModel.Options(512, 1, 0, KvCacheType.parse(cache)))) {
                for (String prompt : ContinuousBatchingTest.PROMPTS) {
                    String text = m.generate(m.rawPrompt(prompt), new GenerationRequest(tokens, java.util.List.of(),
                            SamplingParameters.greedy()), t -> true).text();
                    System.out.println("bastion " + cache + " | " + prompt + " | " + text.replace("\n", "\\n"));
                }
            }
        }
    }
}
