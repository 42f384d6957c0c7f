package dev.bastion.guard.pii;

import static dev.bastion.guard.pii.Findings.found;
import static dev.bastion.guard.pii.Findings.people;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, part 2, rounds twenty and twenty-one: people and street addresses in text written in one case, all in
 * capitals or all in lower case, found from a cue or the structure around them, on sentences written for this test (invented people and streets). Each failure
 * type has near misses that must stay unreported.
 */
class SingleCaseCuesTest {

    private static List<String> singleCaseCues(String text) {
        return SingleCaseCues.find(Tokens.of(text)).stream().map(c -> text.substring(c.start(), c.end())).toList();
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void aRelativeOrCarerWithoutAPossessiveIsNamedByTheWordBefore(PiiMode mode) {
        assertThat(people(mode, "PT FOUND DOWN IN KITCHEN BY NEIGHBOR ROSALIND AT 0600, BROUGHT IN BY EMS."))
                .containsExactly("ROSALIND");
        assertThat(people(mode, "UPDATED PLAN WITH NIECE ORTENSIA VALLECORSA AT BEDSIDE."))
                .containsExactly("ORTENSIA VALLECORSA");
    }

    @Test
    void theCueWordTakesOnlyAKnownFirstNameThatIsNoOrdinaryWord() {
        assertThat(singleCaseCues("PT WILL GO HOME TOMORROW. SON MAY VISIT SUNDAY.")).isEmpty();
        assertThat(singleCaseCues("PT TOLERATED DIET, DAUGHTER REACHABLE BY PHONE.")).isEmpty();
        assertThat(singleCaseCues("HUSBAND GREGORY DROVE HER IN")).containsExactly("GREGORY");
        assertThat(singleCaseCues("BROTHER MARK CALLED AT NOON")).containsExactly("MARK");
        assertThat(singleCaseCues("SISTER JUNE 4 VISIT")).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void aContactPhraseOrANameLabelIntroducesAKnownFirstName(PiiMode mode) {
        assertThat(people(mode, "HELLO, THIS IS WINIFRED PALMQUIST CALLING ABOUT MY REFILL."))
                .containsExactly("WINIFRED PALMQUIST");
        assertThat(singleCaseCues("SPOKE WITH GERTRUDE RE: DISCHARGE TIMING.")).containsExactly("GERTRUDE");
        assertThat(singleCaseCues("THIS IS AN URGENT REQUEST")).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void aFirstNameAndSurnameBeforeAStatedAgeAreAPerson(PiiMode mode) {
        assertThat(people(mode, "DELPHINE ACKERLY IS A 77-YEAR-OLD WOMAN WITH CHF.")).containsExactly("DELPHINE ACKERLY");
        assertThat(singleCaseCues("TRIAGE: BERNADETTE QUILLON, 84YO F, FROM HOME")).containsExactly("BERNADETTE QUILLON");
        assertThat(singleCaseCues("ACUTE DISTRESS IS A 10-YEAR-OLD PROBLEM")).isEmpty();
    }

    @Test
    void aLastNameCommaFirstNameIsTwoSpansWithoutTheComma() {
        assertThat(singleCaseCues("ICU NOTE HARRIS, MILDRED  BED 4")).containsExactly("HARRIS", "MILDRED");
        assertThat(singleCaseCues("FLEW IN FROM DALLAS, TEXAS")).isEmpty();
        assertThat(singleCaseCues("NOTE: WILSON, HAROLD")).containsExactly("WILSON", "HAROLD");
    }

    @Test
    void theCuesApplyOnlyToTextInOneCase() {
        assertThat(SingleCaseCues.applies(Tokens.of("WIFE MARTHA AT BEDSIDE"))).isTrue();
        assertThat(SingleCaseCues.applies(Tokens.of("wife martha at bedside"))).isTrue();
        assertThat(SingleCaseCues.applies(Tokens.of("Wife MARTHA at bedside"))).isFalse();
        assertThat(SingleCaseCues.applies(Tokens.of("Wife martha at bedside"))).isFalse();
        assertThat(SingleCaseCues.applies(Tokens.of("McDONALD 12"))).isFalse();
        assertThat(SingleCaseCues.applies(Tokens.of("12 / 40"))).isFalse();
        assertThat(SingleCaseCues.applies(Tokens.of("a 1"))).isFalse();
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void inLowerCaseARelativeOrCarerIsNamedByTheWordBefore(PiiMode mode) {
        assertThat(people(mode, "found on the kitchen floor by neighbor rosalind at 0600, ems called."))
                .containsExactly("rosalind");
        assertThat(people(mode, "plan discussed with niece ortensia vallecorsa at bedside.")).containsExactly("ortensia vallecorsa");
        assertThat(singleCaseCues("my son will drive me, my daughter may visit on sunday.")).isEmpty();
        assertThat(singleCaseCues("husband gregory drove her in")).containsExactly("gregory");
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void inLowerCaseAPatientACallerAndAStatedAgeIntroduceAName(PiiMode mode) {
        assertThat(people(mode, "triage 0400 pt harold vanterpool, 88yo m, from home")).containsExactly("harold vanterpool");
        assertThat(people(mode, "hi, this is winifred palmquist calling about my refill."))
                .containsExactly("winifred palmquist");
        assertThat(people(mode, "delphine ackerly is a 77-year-old woman with chf.")).containsExactly("delphine ackerly");
        assertThat(singleCaseCues("this is an urgent request, the patient is a 10-year-old boy")).isEmpty();
    }

    @Test
    void inLowerCaseALastNameCommaFirstNameIsTwoSpans() {
        assertThat(singleCaseCues("icu note harris, mildred  bed 4")).containsExactly("harris", "mildred");
        assertThat(singleCaseCues("we flew in from dallas, texas")).isEmpty();
        assertThat(singleCaseCues("well, will it work?")).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void aLowerCaseCourtesyTitleTakesASurnameThatIsAWordAndIgnoresANumberFurtherBack(PiiMode mode) {
        assertThat(people(mode, "mmse 22/30. referring: dr. king, fax to follow.")).containsExactly("king");
        assertThat(people(mode, "the parcel went to 55 elm dr. westbury")).isEmpty();
        assertThat(people(mode, "the dr. will see you now")).isEmpty();
        assertThat(people(mode, "i was seen by dr white on tuesday")).containsExactly("white");
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void aCourtesyTitleInCapitalsTakesApostrophesAndSurnamesThatAreWords(PiiMode mode) {
        assertThat(people(mode, "SEEN BY DR. O'HALLORAN THIS AM.")).containsExactly("O'HALLORAN");
        assertThat(people(mode, "MMSE 22/30. REFERRING: DR. KING, FAX TO FOLLOW.")).containsExactly("KING");
        assertThat(people(mode, "THE PARCEL WENT TO 55 ELM DR. WESTBURY")).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void aStreetInCapitalsIsAnAddress(PiiMode mode) {
        assertThat(found(mode, "STREET_ADDRESS", "BIBA FROM 4410 BIRCHCROFT WAY. C/O SOB X 2 DAYS."))
                .containsExactly("4410 BIRCHCROFT WAY");
        assertThat(found(mode, "STREET_ADDRESS", "GAVE 2 UNITS PRBC, RECHECK HCT AT 2200.")).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void aNumberBeforeAStreetIsAHouseNumberNotAYear(PiiMode mode) {
        assertThat(found(mode, "STREET_ADDRESS", "ARRIVED BY EMS FROM 1962 LARKSPUR ROAD. NO LOC."))
                .containsExactly("1962 LARKSPUR ROAD");
        assertThat(found(mode, "STREET_ADDRESS", "She moved here from 1987 Wrenfield Avenue last spring."))
                .containsExactly("1987 Wrenfield Avenue");
    }

    @Test
    void aYearBeforeOrdinaryWordsStaysAYear() {
        // the recall mode reports a year alone; the balanced mode leaves years out by design
        assertThat(found(PiiMode.RECALL, "DATE_TIME", "The clinic opened in 1987 Main campus first, moved in 2003."))
                .containsExactly("1987", "2003");
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void inCapitalsAnAddressAfterAnAddressPhraseNeedsNoStreetWord(PiiMode mode) {
        assertThat(found(mode, "STREET_ADDRESS", "SIGRUN HALDOR LIVES AT 4417 VOSSEGATA 12, TRONDSTAD")).isNotEmpty();
        assertThat(found(mode, "STREET_ADDRESS", "MY ADDRESS: 83 KALLIOVUORI 7, ESPOLAHTI")).isNotEmpty();
        assertThat(found(mode, "STREET_ADDRESS", "PT LIVES AT HOME WITH 2 CATS. HR 88 SR, BP 120/80")).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void inCapitalsAPlaceOrEmployerAfterItsCueIsJudgedByTheCueNotTheGazetteer(PiiMode mode) {
        assertThat(found(mode, "LOCATION", "SHE LIVES IN VESTRAVIK NOW.")).containsExactly("VESTRAVIK");
        assertThat(found(mode, "ORGANIZATION", "I WORK FOR TAVELLOR NORDQUIST AS A PLANNER."))
                .containsExactly("TAVELLOR NORDQUIST");
        assertThat(found(mode, "ORGANIZATION", "I WORK FOR FREE ON WEEKENDS.")).isEmpty();
    }

    @Test
    void theValueOfANameLabelIsANameUpToTheNextLabel() {
        assertThat(singleCaseCues("VISIT 2031-04-02 NAME: OSKARINE TVEDTLAND PHONE: 555 0142"))
                .containsExactly("OSKARINE TVEDTLAND");
        assertThat(singleCaseCues("REGISTERED NAME: VELDORA QUIN POLICY # 88231")).containsExactly("VELDORA QUIN");
        assertThat(singleCaseCues("NAME: HARRIS, MILDRED")).containsExactly("HARRIS", "MILDRED");
        assertThat(singleCaseCues("NAME: PLEASE PRINT")).isEmpty();
    }
    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void inOneCaseAWholeNameAfterARoleOrPrepositionOrAtASentenceStartIsAPerson(PiiMode mode) {
        assertThat(people(mode, "the short film was directed by lucinda vexholm and shot in a week"))
                .containsExactly("lucinda vexholm");
        assertThat(people(mode, "TENNIS PLAYER DESMOND QUARRENDELL WITHDREW ON MONDAY.")).containsExactly("DESMOND QUARRENDELL");
        assertThat(singleCaseCues("that tune was sung by henrietta k. marlowby in 1980")).containsExactly("henrietta k. marlowby");
        assertThat(singleCaseCues("great news. ferdinand fenwright spent two years at the mill."))
                .containsExactly("ferdinand fenwright");
    }

    @Test
    void aWeakCueWantsAWholeNameWhoseFirstNameIsNoTownOrOrdinaryWord() {
        assertThat(singleCaseCues("hpi: 93 y.o. woman from austin found on floor")).isEmpty();
        assertThat(singleCaseCues("EMPLOYER: NEWTON LOGISTICS SSN: 000")).isEmpty();
        assertThat(singleCaseCues("please send it to grace later, written by mark tonight")).isEmpty();
        assertThat(singleCaseCues("the report was reviewed by lucinda")).isEmpty();
    }
    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void inOneCaseTheSurnameOfACuedNameIsANameWhereItComesAgain(PiiMode mode) {
        assertThat(people(mode, "a comedy directed by lucinda vexholm and starring vexholm herself"))
                .containsExactly("lucinda vexholm", "vexholm");
        assertThat(people(mode, "SPOKE WITH NIECE ORTENSIA VALLECORSA. VALLECORSA'S NUMBER ON FILE."))
                .containsExactly("ORTENSIA VALLECORSA", "VALLECORSA");
        // a word of a name that is an ordinary word is not taken again
        assertThat(people(mode, "mmse 22/30. referring: dr. king. the king of the ward")).containsExactly("king");
    }
}
