package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NameModelTest {

    @Test
    void theSameSeedTrainsTheSameModelBytesAndAnotherSeedDoesNot() throws Exception {
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ByteArrayOutputStream c = new ByteArrayOutputStream();
        NameTraining.Result ra = NameTraining.train(7, 1500, 2, a);
        NameTraining.train(7, 1500, 2, b);
        NameTraining.train(8, 1500, 2, c);
        assertThat(a.toByteArray()).isEqualTo(b.toByteArray());
        assertThat(a.toByteArray()).isNotEqualTo(c.toByteArray());
        assertThat(ra.recipe()).contains("--seed 7", "--sentences 1500", ra.inputsSha256());
        assertThat(ra.heldOutTokenAccuracy()).isGreaterThan(0.8);
    }

    @Test
    void aWrittenModelReadsBackAndTagsTheSame() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        NameTraining.train(3, 1500, 2, out);
        NameModel m = NameModel.read(new ByteArrayInputStream(out.toByteArray()));
        NameModel again = NameModel.read(new ByteArrayInputStream(out.toByteArray()));
        Tokens t = Tokens.of("My name is Laura Schmidt and I live in Hamburg.");
        assertThat(m.tag(t)).isEqualTo(again.tag(t));
        assertThat(m.recipe).startsWith("bastion train pii-names --seed 3");
    }

    @Test
    void theShippedModelRecordsItsRecipeAndTheHashOfTheCurrentInputs() {
        assertThat(NameRecognizer.modelRecipe()).startsWith("bastion train pii-names --seed ")
                .endsWith("sha256 " + NameTraining.inputsSha256());
    }

    @Test
    void bytesThatAreNotAModelGiveAClearError() {
        assertThatThrownBy(() -> NameModel.read(new ByteArrayInputStream(new byte[] {1, 2, 3})))
                .hasMessageContaining("cannot read the name model");
    }

    @Test
    void decodingNeverStartsAnEntityWithAnInsideTag() {
        for (int prev = 0; prev < NameModel.TAGS; prev++) {
            for (int tag = 2; tag < NameModel.TAGS; tag += 2) {
                boolean sameType = prev != 0 && (prev - 1) / 2 == (tag - 1) / 2;
                assertThat(NameModel.allowed(prev, tag)).isEqualTo(sameType);
            }
        }
    }

    @Test
    void generatedSentencesCarrySpansThatCoverTheirValues() {
        List<NameCorpus.Sentence> s = new NameCorpus().generate(300, new Random(5));
        assertThat(s).hasSize(300);
        assertThat(s).anyMatch(x -> x.entities().isEmpty()).anyMatch(x -> !x.entities().isEmpty());
        for (NameCorpus.Sentence x : s) {
            for (NameCorpus.Entity e : x.entities()) {
                assertThat(e.end()).isLessThanOrEqualTo(x.text().length());
                assertThat(x.text().substring(e.start(), e.end())).isNotBlank();
            }
        }
    }

    @Test
    void tokensKeepUtf16OffsetsAndSplitPunctuation() {
        Tokens t = Tokens.of("Dr. O'Brien, 12 Rue\nde la Paix");
        assertThat(t.size).isEqualTo(9);
        assertThat(t.word(0)).isEqualTo("Dr");
        assertThat(t.word(1)).isEqualTo(".");
        assertThat(t.word(2)).isEqualTo("O'Brien");
        assertThat(t.lineBefore[6]).isTrue();
        assertThat(t.shape(2)).isEqualTo("X'Xx");
    }
}
