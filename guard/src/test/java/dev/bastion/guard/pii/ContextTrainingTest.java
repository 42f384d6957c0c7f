package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ContextTrainingTest {
    /**
     * Toy documents "w w w ..." where a word's vector carries a signal in dimension 0 when it is a person and in
     * dimension 1 when it is a place, plus noise: context is not needed, only the vectors.
     */
    private static List<ContextTraining.Doc> toy(int docs, long seed) {
        Random r = new Random(seed);
        List<ContextTraining.Doc> out = new ArrayList<>();
        for (int d = 0; d < docs; d++) {
            int n = 8;
            StringBuilder text = new StringBuilder();
            int[] s = new int[n];
            int[] e = new int[n];
            float[] v = new float[n * TokenVectors.DIMENSIONS];
            List<ContextTraining.Span> gold = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    text.append(' ');
                }
                s[i] = text.length();
                text.append("word");
                e[i] = text.length();
                for (int k = 0; k < TokenVectors.DIMENSIONS; k++) {
                    v[i * TokenVectors.DIMENSIONS + k] = (float) r.nextGaussian() * 0.3f;
                }
                int kind = r.nextInt(4);
                if (kind == 1) {
                    v[i * TokenVectors.DIMENSIONS] += 2;
                    gold.add(new ContextTraining.Span("PERSON", s[i], e[i]));
                } else if (kind == 2) {
                    v[i * TokenVectors.DIMENSIONS + 1] += 2;
                    gold.add(new ContextTraining.Span("LOCATION", s[i], e[i]));
                }
            }
            out.add(new ContextTraining.Doc(text.toString(), new TokenVectors.Words(s, e, v), gold, List.of()));
        }
        return out;
    }

    private static double accuracy(ContextModel m, List<ContextTraining.Doc> docs) {
        int right = 0;
        int all = 0;
        for (ContextTraining.Doc d : docs) {
            int[] y = ContextTraining.labels(d);
            float[][] rows = ContextTraining.rows(d, false);
            for (int i = 0; i < rows.length; i++) {
                float[] p = m.probabilities(rows[i]);
                int best = 0;
                for (int t = 1; t < p.length; t++) {
                    best = p[t] > p[best] ? t : best;
                }
                // B and I of one type count as the same answer: the toy words carry no position signal
                right += (best + 1) / 2 == (y[i] + 1) / 2 ? 1 : 0;
                all++;
            }
        }
        return (double) right / all;
    }

    @Test
    void logisticRegressionLearnsTypesThatTheVectorsCarry() {
        ContextModel m = ContextTraining.train(toy(1500, 1),
                new ContextTraining.Settings(0, 3, 0.002, 1e-4, 1, false), "toy");
        assertThat(accuracy(m, toy(100, 2))).isGreaterThan(0.95);
    }

    @Test
    void aHiddenLayerLearnsThemToo() {
        ContextModel m = ContextTraining.train(toy(1500, 3),
                new ContextTraining.Settings(16, 3, 0.002, 1e-4, 1, false), "toy");
        assertThat(accuracy(m, toy(100, 4))).isGreaterThan(0.95);
    }

    @Test
    void aWrittenModelReadsBackWithTheSameProbabilitiesAndRecipe() throws IOException {
        ContextModel m = ContextTraining.train(toy(50, 5),
                new ContextTraining.Settings(4, 1, 0.005, 1e-4, 1, true), "recipe: toy data");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.write(out);
        ContextModel back = ContextModel.read(new ByteArrayInputStream(out.toByteArray()));
        assertThat(back.recipe()).isEqualTo("recipe: toy data");
        assertThat(back.firstStage).isTrue();
        float[] row = ContextTraining.rows(toy(1, 6).getFirst(), true)[0];
        assertThat(back.probabilities(row.clone())).containsExactly(m.probabilities(row.clone()));
    }

    @Test
    void wordsTakeBeginThenInsideTagsOfTheirSpan() {
        int[] s = {0, 5, 11};
        int[] e = {4, 10, 14};
        ContextTraining.Doc d = new ContextTraining.Doc("John Smith saw", new TokenVectors.Words(s, e,
                new float[3 * TokenVectors.DIMENSIONS]), List.of(new ContextTraining.Span("PERSON", 0, 10)), List.of());
        assertThat(ContextTraining.labels(d)).containsExactly(1, 2, 0);
    }
}
