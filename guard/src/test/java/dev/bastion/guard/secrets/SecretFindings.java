package dev.bastion.guard.secrets;

import dev.bastion.guard.Finding;
import java.util.List;

/** What the built-in secrets scanner blocks in a text: the one helper the secrets rule tests share. */
final class SecretFindings {
    private static final SecretsScanner SCANNER = SecretsScanner.builtIn();

    private SecretFindings() {
    }

    /** The findings of {@code text} that are not informational, in order. */
    static List<Finding> blocking(String text) {
        return SCANNER.scan(List.of(text)).stream().filter(f -> !SecretsScanner.INFORMATIONAL.contains(f.type())).toList();
    }

    /** The blocking findings' matched text, in order. */
    static List<String> texts(String text) {
        return blocking(text).stream().map(f -> text.substring(f.start(), f.end())).toList();
    }

    /** The blocking findings' matched text, each once, in order of first appearance. */
    static List<String> distinctTexts(String text) {
        return texts(text).stream().distinct().toList();
    }
}
