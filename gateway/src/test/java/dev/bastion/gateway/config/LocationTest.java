package dev.bastion.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.Test;

class LocationTest {
    @Test
    void eachLocationsConfigNameIsItsLowerCaseNameAndReadsBackAsItself() {
        assertThat(Location.LOCAL.configName()).isEqualTo("local");
        assertThat(Location.CLOUD.configName()).isEqualTo("cloud");
        for (Location l : Location.values()) {
            assertThat(l.configName()).isEqualTo(l.name().toLowerCase(Locale.ROOT));
            assertThat(Location.fromConfig(l.configName())).isSameAs(l);
            assertThat(l.configName()).isSameAs(l.configName()); // kept, not made per call
        }
    }
}
