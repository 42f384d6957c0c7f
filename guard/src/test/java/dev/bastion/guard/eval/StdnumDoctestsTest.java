package dev.bastion.guard.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.guard.pii.Checksums;
import java.util.List;
import org.junit.jupiter.api.Test;

class StdnumDoctestsTest {
    private static final List<String> IBAN_DOCTEST = """
            >>> iban.validate('GB82 WEST 1234 5698 7654 32')
            'GB82WEST12345698765432'
            >>> iban.validate('GB82 WEST 1234 5698 7654 33')
            Traceback (most recent call last):
            InvalidChecksum: ...
            >>> iban.is_valid('DE89 3704 0044 0532 0130 01')
            False
            >>> numbers = '''
            ...
            ... DE89 3704 0044 0532 0130 00
            ... FR14 2004 1010 0505 0001 3M02 606
            ... '''
            >>> [ x for x in numbers.splitlines() if x and not iban.is_valid(x) ]
            []
            """.lines().toList();

    @Test
    void validateIsValidAndNumberListsBecomeValidAndInvalidCases() {
        assertThat(StdnumDoctests.parse(IBAN_DOCTEST, false)).containsExactly(
                new StdnumDoctests.Case("GB82 WEST 1234 5698 7654 32", true),
                new StdnumDoctests.Case("GB82 WEST 1234 5698 7654 33", false),
                new StdnumDoctests.Case("DE89 3704 0044 0532 0130 01", false),
                new StdnumDoctests.Case("DE89 3704 0044 0532 0130 00", true),
                new StdnumDoctests.Case("FR14 2004 1010 0505 0001 3M02 606", true));
    }

    @Test
    void theIbanValidatorAgreesWithEveryVectorAndAWrongValidatorIsCaught() {
        List<StdnumDoctests.Case> cases = StdnumDoctests.parse(IBAN_DOCTEST, false);
        assertThat(StdnumDoctests.agreement(Checksums::iban, cases)).isEqualTo(new StdnumDoctests.Agreement(5, 5, List.of()));
        StdnumDoctests.Agreement everythingValid = StdnumDoctests.agreement(n -> true, cases);
        assertThat(everythingValid.agree()).isEqualTo(3);
        assertThat(everythingValid.disagreements()).containsExactly("invalid GB82 WEST 1234 5698 7654 33",
                "invalid DE89 3704 0044 0532 0130 01");
    }

    @Test
    void nifCheckLinesOfDniAreReadOnlyWhenAskedAndOtherKindsNever() {
        List<String> nif = List.of(">>> check('11111111H')  # valid DNI", ">>> check('11111111T')  # invalid DNI",
                ">>> check('A11111119')  # valid CIF", ">>> check('X1234567L')  # NIE not classified");
        assertThat(StdnumDoctests.parse(nif, false)).isEmpty();
        assertThat(StdnumDoctests.parse(nif, true)).containsExactly(new StdnumDoctests.Case("11111111H", true),
                new StdnumDoctests.Case("11111111T", false));
    }
}
