package dev.bastion.gateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.guard.Pseudonymizer;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** One tool call's arguments: the canary found across fragments, pseudonyms restored, and little held back. */
class ToolArgumentGuardTest {
    private static final String CANARY = "bastion-canary-0123456789abcdef01234567";

    private static String arguments(ToolArgumentGuard.Released r) {
        assertThat(r).isInstanceOf(ToolArgumentGuard.Released.Arguments.class);
        return ((ToolArgumentGuard.Released.Arguments) r).text();
    }

    @Test
    void aCanaryCutAcrossFragmentsIsFoundAndNoneOfItWasReleased() {
        ToolArgumentGuard guard = new ToolArgumentGuard(new Pseudonymizer(), Optional.of(CANARY));
        StringBuilder sent = new StringBuilder();
        sent.append(arguments(guard.push("{\"note\":\"see " + CANARY.substring(0, 10))));
        sent.append(arguments(guard.push(CANARY.substring(10, 25))));
        ToolArgumentGuard.Released last = guard.push(CANARY.substring(25) + "\"}");
        assertThat(last).isInstanceOf(ToolArgumentGuard.Released.Blocked.class);
        assertThat(((ToolArgumentGuard.Released.Blocked) last).error().message()).contains("system-prompt leak")
                .doesNotContain(CANARY);
        assertThat(sent).hasToString("{\"note\":\"see ");
    }

    @Test
    void onlyAPossibleBeginningOfTheCanaryIsHeldAndItGoesOutWhenItTurnsOutOtherwise() {
        ToolArgumentGuard guard = new ToolArgumentGuard(new Pseudonymizer(), Optional.of(CANARY));
        assertThat(arguments(guard.push("{\"city\":\"Paris\","))).isEqualTo("{\"city\":\"Paris\",");
        assertThat(arguments(guard.push("\"tag\":\"bastion-c"))).isEqualTo("\"tag\":\"");
        assertThat(arguments(guard.push("ity\"}"))).isEqualTo("bastion-city\"}");
        assertThat(arguments(guard.push(" bas"))).isEqualTo(" ");
        assertThat(guard.finish()).isEqualTo("bas");
    }

    @Test
    void withoutACanaryEveryFragmentGoesOutWhole() {
        ToolArgumentGuard guard = new ToolArgumentGuard(new Pseudonymizer(), Optional.empty());
        for (String piece : new String[] {"{\"a\":\"bast", "ion-canary-", "\"}"}) {
            assertThat(arguments(guard.push(piece))).isEqualTo(piece);
        }
        assertThat(guard.finish()).isEmpty();
    }

    @Test
    void aSurrogateCutAcrossFragmentsIsRestoredWholeAlongsideTheCanaryWatch() {
        Pseudonymizer p = new Pseudonymizer();
        String surrogate = p.surrogate("EMAIL_ADDRESS", "maria@corp.example");
        ToolArgumentGuard guard = new ToolArgumentGuard(p, Optional.of(CANARY));
        String json = "{\"to\":\"" + surrogate + "\"}";
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < json.length(); i += 3) {
            out.append(arguments(guard.push(json.substring(i, Math.min(json.length(), i + 3)))));
        }
        out.append(guard.finish());
        assertThat(out).hasToString("{\"to\":\"maria@corp.example\"}");
    }
}
