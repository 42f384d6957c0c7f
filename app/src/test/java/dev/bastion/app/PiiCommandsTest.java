package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PiiCommandsTest {
    @TempDir
    Path dir;

    private static final String TEXT = """
            Please call Jonathan Miller on +44 20 7946 0958 or mail jonathan.miller@example.org.
            Card 4111 1111 1111 1111 was used; Jonathan Miller confirmed.
            """;

    private Object[] run(String... args) {
        return KeysCommandTest.run(args);
    }

    @Test
    void pseudonymiseAndEncryptRoundTripThroughRestore() throws Exception {
        Path in = dir.resolve("in.txt");
        Files.writeString(in, TEXT);
        String dd = dir.resolve("data").toString();
        Object[] p = run("redact", "--data-dir", dd, "--operator", "pseudonymise", "--vault", dir.resolve("v.vault").toString(),
                in.toString());
        assertThat(p[0]).as((String) p[2]).isEqualTo(0);
        String pseudo = (String) p[1];
        assertThat(pseudo).doesNotContain("Jonathan").doesNotContain("example.org").doesNotContain("4111")
                .contains("<PERSON_1>").contains("<EMAIL_ADDRESS_1>");
        // the same value always gets the same surrogate
        assertThat(pseudo.split("<PERSON_1>", -1)).hasSize(3);
        assertThat(Files.readString(dir.resolve("v.vault"))).doesNotContain("Jonathan");
        Path pseudoFile = dir.resolve("pseudo.txt");
        Files.writeString(pseudoFile, pseudo);
        Object[] back = run("restore", "--data-dir", dd, "--vault", dir.resolve("v.vault").toString(), pseudoFile.toString());
        assertThat((String) back[1]).isEqualTo(TEXT);

        Object[] enc = run("redact", "--data-dir", dd, "--operator", "encrypt", in.toString());
        assertThat((String) enc[1]).contains("ENC<").doesNotContain("jonathan.miller@example.org");
        Path encFile = dir.resolve("enc.txt");
        Files.writeString(encFile, (String) enc[1]);
        assertThat((String) run("restore", "--data-dir", dd, encFile.toString())[1]).isEqualTo(TEXT);
    }

    @Test
    void realisticPseudonymsRoundTripAndAVaultIsSharedAcrossFiles() throws Exception {
        Path in = dir.resolve("in.txt");
        Files.writeString(in, TEXT);
        Path second = dir.resolve("second.txt");
        Files.writeString(second, "Again: jonathan.miller@example.org\n");
        String dd = dir.resolve("data").toString();
        String vault = dir.resolve("r.vault").toString();
        Object[] p = run("redact", "--data-dir", dd, "--operator", "pseudonymise", "--pseudonyms", "realistic",
                "--vault", vault, in.toString());
        assertThat(p[0]).as((String) p[2]).isEqualTo(0);
        String pseudo = (String) p[1];
        assertThat(pseudo).doesNotContain("Jonathan").doesNotContain("jonathan.miller@example.org")
                .doesNotContain("4111 1111 1111 1111").doesNotContain("<PERSON_1>")
                .containsPattern("@example\\.(com|org|net)").containsPattern("4111 \\d{4} \\d{4} \\d{4}");
        String fakeMail = java.util.regex.Pattern.compile("[a-z]+\\.[a-z]+@example\\.(com|org|net)").matcher(pseudo)
                .results().map(java.util.regex.MatchResult::group).filter(m -> !m.startsWith("jonathan.")).findFirst().orElseThrow();
        Object[] q = run("redact", "--data-dir", dd, "--operator", "pseudonymise", "--vault", vault, second.toString());
        assertThat((String) q[1]).isEqualTo("Again: " + fakeMail + "\n");
        Path pseudoFile = dir.resolve("pseudo.txt");
        Files.writeString(pseudoFile, pseudo + q[1]);
        Object[] back = run("restore", "--data-dir", dd, "--vault", vault, pseudoFile.toString());
        assertThat((String) back[1]).isEqualTo(TEXT + "Again: jonathan.miller@example.org\n");
    }

    @Test
    void aVaultFromAnotherDataDirectoryIsRefusedClearly() throws Exception {
        Path in = dir.resolve("in.txt");
        Files.writeString(in, TEXT);
        String vault = dir.resolve("v.vault").toString();
        run("redact", "--data-dir", dir.resolve("a").toString(), "--operator", "pseudonymise", "--vault", vault, in.toString());
        Object[] other = run("restore", "--data-dir", dir.resolve("b").toString(), "--vault", vault, in.toString());
        assertThat(other[0]).isEqualTo(1);
        assertThat((String) other[2]).contains("does not open");
        Object[] notVault = run("restore", "--data-dir", dir.resolve("a").toString(), "--vault", in.toString(), in.toString());
        assertThat((String) notVault[2]).contains("is not a Bastion pseudonym vault");
    }

    @Test
    void tagMaskAndHashHideValues() throws Exception {
        Path in = dir.resolve("in.txt");
        Files.writeString(in, TEXT);
        String dd = dir.resolve("data").toString();
        assertThat((String) run("redact", "--data-dir", dd, "--operator", "tag", in.toString())[1])
                .contains("<CREDIT_CARD>").contains("<PHONE_NUMBER>").doesNotContain("7946");
        assertThat((String) run("redact", "--data-dir", dd, "--operator", "mask", in.toString())[1])
                .contains("***************1111").doesNotContain("4111 1111");
        String hashed = (String) run("redact", "--data-dir", dd, "--operator", "hash", in.toString())[1];
        assertThat(hashed).contains("<PERSON:").doesNotContain("Jonathan");
        assertThat((String) run("redact", "--data-dir", dd, "--operator", "hash", in.toString())[1]).isEqualTo(hashed);
        Object[] bad = run("redact", "--data-dir", dd, "--operator", "pseudonymise", in.toString());
        assertThat(bad[0]).isEqualTo(1);
        assertThat((String) bad[2]).contains("--vault");
    }
}
