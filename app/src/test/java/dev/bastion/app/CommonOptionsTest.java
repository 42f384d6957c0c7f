package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommonOptionsTest {
    @Test
    void theHomeForTildeIsTheHomeEnvironmentVariableAsInShells() {
        assertThat(CommonOptions.home(Map.of("HOME", "/tmp/elsewhere"))).isEqualTo(Path.of("/tmp/elsewhere"));
    }

    @Test
    void withoutHomeTheAccountsHomeIsUsed() {
        assertThat(CommonOptions.home(Map.of())).isEqualTo(Path.of(System.getProperty("user.home")));
        assertThat(CommonOptions.home(Map.of("HOME", " "))).isEqualTo(Path.of(System.getProperty("user.home")));
    }
}
