package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Nursing notes typed in capitals, written for this test: a titled provider's name is reported, a street's DR is
 * not a title, and a shift's hours are not a phone number.
 */
class UpperCaseNotesTest {

    private static final String NOTE = """
            NURSING PROGRESS NOTE 0700-1900
            PT IS A 67 YO MALE ADMITTED WITH CHF EXACERBATION. SPOKE WITH DR. HOLLOWAY RE: PLAN.
            MRS. ANNE OAKLEY (HCP) UPDATED BY PHONE. SEEN BY DR KOWALCZYK THIS AM.
            D/C HOME TO 55 ELM DR. SPRINGFIELD WHEN CLEARED BY PT/OT.""";

    private static List<String> persons(PiiMode mode, String text) {
        return PiiScanner.defaults(mode).find(text).stream().filter(c -> c.type().equals("PERSON"))
                .map(c -> text.substring(c.start(), c.end())).toList();
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void anUpperCaseTitleIntroducesTheUpperCaseNameAfterIt(PiiMode mode) {
        assertThat(persons(mode, NOTE)).contains("HOLLOWAY", "ANNE OAKLEY", "KOWALCZYK")
                .noneMatch(p -> p.contains("RE") && p.startsWith("HOLLOWAY "))
                .noneMatch(p -> p.contains("SPRINGFIELD"));
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void aShiftsHoursAreNotAPhoneNumberUnlessAPhoneIsNamed(PiiMode mode) {
        assertThat(PiiScanner.defaults(mode).find(NOTE)).noneMatch(c -> c.type().equals("PHONE_NUMBER"));
        assertThat(PiiScanner.clockRange("0700-1900")).isTrue();
        assertThat(PiiScanner.clockRange("0800 \u2013 1600")).isTrue();
        assertThat(PiiScanner.clockRange("1234-5678")).as("56:78 is no time").isFalse();
        assertThat(PiiScanner.clockRange("555-0142")).isFalse();
    }

    @Test
    void mixedCaseTextKeepsTheOldTitleRule() {
        String text = "Follow up with Dr. Patel in 2 weeks; the clinic is at 12 Oak Dr. in Springfield.";
        assertThat(persons(PiiMode.BALANCED, text)).contains("Patel");
    }
}
