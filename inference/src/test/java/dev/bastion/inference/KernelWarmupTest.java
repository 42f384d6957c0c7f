package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LocalModel#loadWarmed}: the tiny model it warms up on has every tensor type of the real one and its heads,
 * the model it returns generates exactly what {@link LocalModel#load}'s does, and a broken file is refused with the
 * same message.
 */
class KernelWarmupTest {
    static final LocalModel.Options OPTIONS = new LocalModel.Options(128, 1, 0);

    @TempDir
    Path dir;

    @Test
    void theTinyModelOfAQ4KMMixHasBothOfItsTypesWhereTheRealOneHasThem() throws IOException {
        Path file = TestModels.write(dir.resolve("mix.gguf"), TestModels.Shape.tiny("llama"), QuantMix.Q4_K_M, 5);
        try (GgufFile gguf = GgufFile.open(file)) {
            ModelConfig real = ModelConfig.from(gguf);
            Weights tiny = KernelWarmup.tinyWeights(gguf, real);
            Weights full = Weights.load(gguf, real);
            for (Function<Weights.Layer, WeightMatrix> role : List.<Function<Weights.Layer, WeightMatrix>>of(
                    Weights.Layer::wq, Weights.Layer::wk, Weights.Layer::wv, Weights.Layer::wo, Weights.Layer::gate,
                    Weights.Layer::up, Weights.Layer::down)) {
                assertThat(types(tiny, role)).isEqualTo(types(full, role));
            }
            assertThat(types(full, Weights.Layer::wv)).contains(GgmlType.Q6_K); // the mix does put two types there
            assertThat(tiny.tokenEmbedding().type()).isEqualTo(full.tokenEmbedding().type());
            assertThat(tiny.output().type()).isEqualTo(full.output().type());
            ModelConfig shape = KernelWarmup.tinyConfig(real, tiny.layers().size());
            assertThat(shape.qDim()).isEqualTo(real.qDim());
            assertThat(shape.kvDim()).isEqualTo(real.kvDim());
            assertThat(shape.dim()).isEqualTo(KernelWarmup.WIDTH);
        }
    }

    private static Set<GgmlType> types(Weights w, Function<Weights.Layer, WeightMatrix> role) {
        Set<GgmlType> out = new LinkedHashSet<>();
        for (Weights.Layer l : w.layers()) {
            out.add(role.apply(l).type());
        }
        return out;
    }

    @Test
    void aWarmedModelGeneratesWhatAnUnwarmedOneDoes() throws Exception {
        record Case(String arch, QuantMix mix, KvCacheType cache) {
        }
        for (Case c : List.of(new Case("llama", QuantMix.pure(GgmlType.Q8_0), KvCacheType.F32),
                new Case("llama", QuantMix.Q4_K_M, KvCacheType.F16),
                new Case("qwen2", QuantMix.pure(GgmlType.Q4_0), KvCacheType.Q8_0), // biases
                new Case("qwen3", QuantMix.pure(GgmlType.Q6_K), KvCacheType.F32))) { // q/k norms
            Path file = TestModels.write(dir.resolve(c.arch() + "-" + c.mix().name() + ".gguf"),
                    TestModels.Shape.tiny(c.arch()), c.mix(), 7);
            LocalModel.Options options = new LocalModel.Options(128, 1, 0, c.cache());
            try (LocalModel plain = LocalModel.load(file, options); LocalModel warmed = LocalModel.loadWarmed(file, options)) {
                int[] prompt = plain.tokenizer().encode("the patient was seen in clinic on monday");
                GenerationRequest request = new GenerationRequest(24, List.of(), SamplingParameters.greedy());
                Completion a = plain.generate(prompt, request, s -> true);
                Completion b = warmed.generate(prompt, request, s -> true);
                assertThat(b.text()).as(c.toString()).isEqualTo(a.text());
                assertThat(b.completionTokens()).as(c.toString()).isEqualTo(a.completionTokens()).isPositive();
            }
        }
    }

    @Test
    void theRoundsPromptsRunEveryBatchShapeARealPromptCanHave() {
        // a real prompt runs in batches of MAX_BATCH and a tail; the batched kernels take one path per number of
        // 16-input groups in a call (MatmulInputLanes), and MatmulTiles a path for the tokens past the last tile of 4
        Set<Integer> groups = new java.util.TreeSet<>();
        boolean tileTail = false;
        for (int r = 0; r < LocalModel.WARMUP_ROUNDS; r++) {
            int n = KernelWarmup.promptLength(r);
            assertThat(n + KernelWarmup.DECODE).as("round %d fits the tiny context", r)
                    .isLessThanOrEqualTo(KernelWarmup.CONTEXT);
            for (int done = 0; done < n; done += Transformer.MAX_BATCH) {
                int batch = Math.min(Transformer.MAX_BATCH, n - done);
                groups.add((Math.min(batch, MatmulInputLanes.INPUTS) + 15) / 16);
                tileTail |= batch % 4 != 0;
            }
        }
        assertThat(groups).containsExactly(1, 2, 3, 4);
        assertThat(tileTail).isTrue();
    }

    @Test
    void aBrokenModelIsRefusedAsLoadRefusesIt() throws IOException {
        for (BrokenModels.Flaw flaw : List.of(BrokenModels.Flaw.MISSING_TENSOR, BrokenModels.Flaw.UNSUPPORTED_TENSOR_TYPE,
                BrokenModels.Flaw.WRONG_SHAPE, BrokenModels.Flaw.TRUNCATED)) {
            Path file = BrokenModels.write(dir.resolve(flaw.name() + ".gguf"), flaw, 3);
            String expected = "";
            try {
                LocalModel.load(file, OPTIONS).close();
            } catch (GgufFormatException e) {
                expected = e.getMessage();
            }
            assertThat(expected).as(flaw.name()).isNotEmpty();
            assertThatThrownBy(() -> LocalModel.loadWarmed(file, OPTIONS).close()).as(flaw.name())
                    .isInstanceOf(GgufFormatException.class).hasMessage(expected);
        }
    }
}
