package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysCommandTest {
    @TempDir
    Path dataDir;

    /** Runs the CLI in-process and returns {exit code, stdout, stderr}. */
    static Object[] run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Object[] {code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private static String lastLine(String text) {
        List<String> lines = text.lines().toList();
        return lines.getLast();
    }

    @Test
    void createPrintsTheKeyAloneOnTheLastLineAndListNeverShowsIt() {
        Object[] created = run("keys", "create", "--role", "user", "--tenant", "radiology", "--models", "a,b",
                "--expires", "30d", "--data-dir", dataDir.toString());
        assertThat(created[0]).isEqualTo(0);
        String key = lastLine((String) created[1]);
        assertThat(key).matches("bsk_[A-Za-z0-9_-]{43}");

        Object[] listed = run("keys", "list", "--data-dir", dataDir.toString());
        assertThat(listed[0]).isEqualTo(0);
        assertThat((String) listed[1]).contains("radiology").contains("a,b").contains("active").doesNotContain(key);
        Object[] receipts = run("audit", "export", "--data-dir", dataDir.toString());
        assertThat((String) receipts[1]).contains("\"action\":\"key.create\"").doesNotContain(key);
    }

    @Test
    void jsonOutputCarriesKeyAndMetadata() {
        Object[] created = run("keys", "create", "--role", "auditor", "--json", "--data-dir", dataDir.toString());
        assertThat((String) created[1]).contains("\"role\":\"auditor\"").contains("\"key\":\"bsk_");
    }

    @Test
    void revokeAndRotateChangeState() {
        Object[] created = run("keys", "create", "--role", "user", "--json", "--data-dir", dataDir.toString());
        String id = ((String) created[1]).replaceAll("(?s).*\"id\":\"(key_[0-9a-f]{16})\".*", "$1");
        Object[] rotated = run("keys", "rotate", id, "--data-dir", dataDir.toString());
        assertThat(rotated[0]).isEqualTo(0);
        assertThat((String) rotated[1]).contains("replaces=" + id);
        assertThat(run("keys", "revoke", id, "--data-dir", dataDir.toString())[0]).isEqualTo(1);
        Object[] listed = run("keys", "list", "--data-dir", dataDir.toString());
        assertThat((String) listed[1]).contains("revoked");
    }

    @Test
    void badRoleIsAClearErrorWithNonZeroExit() {
        Object[] result = run("keys", "create", "--role", "wizard", "--data-dir", dataDir.toString());
        assertThat(result[0]).isEqualTo(1);
        assertThat((String) result[2]).contains("unknown role 'wizard'");
    }
}
