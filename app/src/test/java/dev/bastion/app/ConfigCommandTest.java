package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigCommandTest {
    @TempDir
    Path dir;

    @Test
    void configPrintShowsEffectiveValuesAndTheirOrigins() throws Exception {
        Path config = dir.resolve("custom.yaml");
        Files.writeString(config, "server:\n  port: 9123\n");
        Object[] r = KeysCommandTest.run("config", "print", "--config", config.toString(), "--data-dir", dir.toString());
        assertThat(r[0]).isEqualTo(0);
        assertThat((String) r[1]).contains("server.port: 9123    # " + config + ":2")
                .contains("data-dir: " + dir + "    # flag").contains("server.host: 127.0.0.1    # default");
    }

    @Test
    void unknownKeyIsAStartupErrorNamingTheKey() throws Exception {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "server:\n  prot: 1\n");
        Object[] r = KeysCommandTest.run("serve", "--config", config.toString(), "--data-dir", dir.toString());
        assertThat(r[0]).isEqualTo(1);
        assertThat((String) r[2]).contains("server.prot").contains("bad.yaml:2").contains("unknown key");
    }
}
