package dev.bastion.guard.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClinicalNotesTest {

    @Test
    void theDevAndHoldoutTemplateSetsShareNoTemplate() {
        List<ClinicalNotes.Template> dev = ClinicalNotes.templates("dev");
        List<ClinicalNotes.Template> holdout = ClinicalNotes.templates("holdout");
        assertThat(dev).hasSizeGreaterThanOrEqualTo(8);
        assertThat(holdout).hasSizeGreaterThanOrEqualTo(8);
        Set<String> devLines = new HashSet<>();
        dev.forEach(t -> t.body().lines().filter(l -> l.length() > 30).forEach(devLines::add));
        assertThat(holdout).allSatisfy(t -> assertThat(t.body().lines()).noneMatch(devLines::contains));
        assertThat(dev).extracting(ClinicalNotes.Template::name)
                .doesNotContainAnyElementsOf(holdout.stream().map(ClinicalNotes.Template::name).toList());
    }

    @Test
    void everyGoldSpanLiesInsideItsNoteAndNeverStartsOrEndsWithBlank() {
        ClinicalNotes notes = new ClinicalNotes(3);
        Set<String> categories = new HashSet<>();
        for (String set : List.of("dev", "holdout")) {
            for (ClinicalNotes.Template t : ClinicalNotes.templates(set)) {
                ClinicalNotes.Note n = notes.fill(t);
                assertThat(n.text()).doesNotContain("{");
                for (ClinicalNotes.Gold g : n.gold()) {
                    categories.add(g.category());
                    String value = n.text().substring(g.start(), g.end());
                    assertThat(value).as(g.category()).isEqualTo(value.strip());
                }
                if (t.upper()) {
                    assertThat(n.text()).isEqualTo(n.text().toUpperCase(java.util.Locale.ROOT));
                }
            }
        }
        assertThat(categories).contains("NAME", "GEOGRAPHIC", "ZIP", "DATE", "AGE_OVER_89", "PHONE_FAX", "EMAIL", "SSN",
                "MEDICAL_RECORD", "HEALTH_PLAN", "ACCOUNT", "LICENSE_CERTIFICATE", "VEHICLE", "DEVICE", "URL", "IP",
                "OTHER_ID");
    }

    @Test
    void theSameSeedGivesTheSameNotesAndGeneratedCheckDigitsAreValid() {
        ClinicalNotes.Template t = ClinicalNotes.templates("dev").stream()
                .filter(x -> x.name().equals("device-report")).findFirst().orElseThrow();
        ClinicalNotes.Note a = new ClinicalNotes(9).fill(t);
        assertThat(new ClinicalNotes(9).fill(t)).isEqualTo(a);
        assertThat(new ClinicalNotes(10).fill(t).text()).isNotEqualTo(a.text());
        List<dev.bastion.guard.pii.Recognizer.Candidate> found = dev.bastion.guard.pii.PiiScanner.defaults().find(a.text());
        assertThat(found).extracting(dev.bastion.guard.pii.Recognizer.Candidate::type)
                .contains("VEHICLE_ID", "MEDICAL_LICENSE");
    }
}
