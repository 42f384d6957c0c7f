package dev.bastion.guard.pseudonym;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.guard.Pseudonymizer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RestorerTest {
    private static Pseudonymizer tags() {
        Pseudonymizer p = new Pseudonymizer();
        p.surrogate("PERSON", "Alice Martin");
        p.surrogate("EMAIL_ADDRESS", "alice@corp.example");
        return p;
    }

    @Test
    void tagsAreRestoredInAnyCaseAndKeepTheirPossessive() {
        Pseudonymizer p = tags();
        assertThat(p.restore("<PERSON_1>'s mail is <email_address_1>.")).isEqualTo("Alice Martin's mail is alice@corp.example.");
    }

    @Test
    void bareTagsAreRestoredOnlyAsWholeUpperCaseWords() {
        Pseudonymizer p = tags();
        assertThat(p.restore("Dear PERSON_1, see PERSON_10 and person_1 and XPERSON_1."))
                .isEqualTo("Dear Alice Martin, see PERSON_10 and person_1 and XPERSON_1.");
    }

    @Test
    void unknownTagsAreLeftAlone() {
        assertThat(tags().restore("<PERSON_2> and <PERSON_3 and <EMAIL_1>")).isEqualTo("<PERSON_2> and <PERSON_3 and <EMAIL_1>");
    }

    @Test
    void realisticNamesAreRestoredInAnotherCaseButNotInsideOtherWords() {
        Pseudonymizer p = new Pseudonymizer(new PseudonymTable(), Surrogates.forTesting(Style.REALISTIC, new Random(1)), s -> false);
        String fake = p.surrogate("PERSON", "Jonathan Miller");
        String upper = fake.toUpperCase(java.util.Locale.ROOT);
        assertThat(p.restore("Hi " + upper + "! " + fake + "'s file, " + fake + "son"))
                .isEqualTo("Hi Jonathan Miller! Jonathan Miller's file, " + fake + "son");
    }

    @Test
    void aOneWordRealisticNameIsNotFoundInLowerCaseProse() {
        PseudonymTable table = PseudonymTable.fromBytes("{\"v\":1,\"entries\":[[\"PERSON\",\"Miller\",\"Hunter\"]]}".getBytes());
        assertThat(Restorer.restore(table, "Hunter said the hunter and HUNTER left.", Restorer.Escaping.NONE))
                .isEqualTo("Miller said the hunter and Miller left.");
    }

    @Test
    void aSurrogateSplitAcrossChunksIsRestoredWhole() {
        Restorer r = tags().restorer(Restorer.Escaping.NONE);
        StringBuilder out = new StringBuilder();
        for (String chunk : new String[] {"Hello <PER", "SON", "_1", ">", ", bye PERSON_", "1"}) {
            out.append(r.push(chunk));
        }
        assertThat(out.toString()).isEqualTo("Hello Alice Martin, bye ");
        assertThat(out.append(r.finish()).toString()).isEqualTo("Hello Alice Martin, bye Alice Martin");
    }

    @Test
    void heldBackTextIsOnlyAPossibleMention() {
        Restorer r = tags().restorer(Restorer.Escaping.NONE);
        assertThat(r.push("abc <PE")).isEqualTo("abc ");
        assertThat(r.push("ACH")).isEqualTo("<PEACH");
    }

    @Test
    void jsonEscapedSurrogatesAreRestoredAndOriginalsEscaped() {
        Pseudonymizer p = new Pseudonymizer();
        p.surrogate("PERSON", "Jo \"JJ\" O\\Neil");
        Restorer r = p.restorer(Restorer.Escaping.JSON_STRING);
        String out = r.push("{\"to\":\"\\u003cPERSON_1\\u003e\",\"cc\":\"<PER") + r.push("SON_1>\"}") + r.finish();
        assertThat(out).isEqualTo("{\"to\":\"Jo \\\"JJ\\\" O\\\\Neil\",\"cc\":\"Jo \\\"JJ\\\" O\\\\Neil\"}");
    }

    @Test
    void anEscapeCutByAChunkBoundaryIsWaitedFor() {
        Pseudonymizer p = tags();
        Restorer r = p.restorer(Restorer.Escaping.JSON_STRING);
        String out = r.push("\"\\u00") + r.push("3cPERSON_1\\u003") + r.push("e\"") + r.finish();
        assertThat(out).isEqualTo("\"Alice Martin\"");
    }
}
