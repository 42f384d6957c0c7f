package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidatorEvalTest {
    @TempDir
    Path dir;

    @Test
    void readsValidAndInvalidCasesFromDoctestsAndCountsAgreement() throws Exception {
        Files.createDirectories(dir.resolve("tests"));
        Files.writeString(dir.resolve("tests/test_iban.doctest"), """
                >>> iban.validate('GB82 WEST 1234 5698 7654 32')
                'GB82WEST12345698765432'
                >>> iban.validate('GB82 WEST 1234 5698 7654 33')
                Traceback (most recent call last):
                InvalidChecksum: ...
                >>> numbers = '''
                ...
                ... DE89 3704 0044 0532 0130 00
                ... '''
                >>> [ x for x in numbers.splitlines() if x and not iban.is_valid(x) ]
                []
                """);
        Object[] r = KeysCommandTest.run("eval", "validators", "--stdnum", dir.toString());
        assertThat(r[0]).as((String) r[2]).isEqualTo(0);
        assertThat((String) r[1]).contains("test_iban.doctest").contains("3 of    3 agree (100.0%)")
                .contains("test_luhn.doctest                not found").contains("total 3 of 3 agree (100.00%)");
    }
}
