package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenStepperTest {
    @TempDir
    Path dir;

    @Test
    void greedyDecodingThroughTheStepperWritesWhatGenerateWrites() throws Exception {
        Path file = TestModels.write(dir.resolve("m.gguf"), TestModels.Shape.tiny("llama"), GgmlType.F32, 11);
        try (LocalModel model = LocalModel.load(file, new LocalModel.Options(128, 1, 0))) {
            int[] prompt = model.rawPrompt("the patient was seen in the clinic");
            Completion c = model.generate(prompt, new GenerationRequest(8, List.of(), SamplingParameters.greedy()),
                    text -> true);
            TokenStepper s = model.stepper(128);
            float[] logits = null;
            for (int t : prompt) {
                logits = s.push(t);
            }
            int[] out = new int[c.completionTokens()];
            for (int i = 0; i < out.length; i++) {
                out[i] = argmax(logits);
                logits = s.push(out[i]);
            }
            int[] all = Arrays.copyOf(prompt, prompt.length + out.length);
            System.arraycopy(out, 0, all, prompt.length, out.length);
            assertThat(out).isNotEmpty();
            assertThat(model.tokenizer().decode(all)).isEqualTo(model.tokenizer().decode(prompt) + c.text());
        }
    }

    @Test
    void rewindingToAPrefixGivesTheSameLogitsAsRunningItAgain() throws Exception {
        Path file = TestModels.write(dir.resolve("m.gguf"), TestModels.Shape.tiny("qwen3"), GgmlType.F32, 12);
        try (LocalModel model = LocalModel.load(file, new LocalModel.Options(64, 1, 0))) {
            int[] a = model.rawPrompt("count to five one two");
            TokenStepper s = model.stepper(64);
            float[] first = null;
            for (int t : a) {
                first = s.push(t);
            }
            s.truncate(a.length - 1);
            assertThat(s.tokens()).containsExactly(Arrays.copyOf(a, a.length - 1));
            assertThat(s.push(a[a.length - 1])).containsExactly(first);
            TokenStepper small = model.stepper(2);
            small.push(a[0]);
            small.push(a[1]);
            assertThatThrownBy(() -> small.push(a[2])).isInstanceOf(ContextOverflowException.class);
        }
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
