package dev.bastion.guard.pseudonym;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.guard.Finding;
import dev.bastion.guard.Pseudonymizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** restore(pseudonymise(x)) == x, for texts with PII values, whatever the chunking of the answer stream. */
class RoundTripProperties {
    /** A value of a type, as a scanner would have found it. */
    record Value(String type, String text) {
    }

    @Provide
    Arbitrary<Value> values() {
        Arbitrary<String> word = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(2).ofMaxLength(8);
        Arbitrary<Value> email = Combinators.combine(word, word, Arbitraries.of("com", "org", "de"))
                .as((a, b, tld) -> new Value("EMAIL_ADDRESS", a + "." + b + "@" + b + "mail." + tld));
        Arbitrary<Value> card = Arbitraries.strings().numeric().ofLength(14).map(d -> {
            String payload = "4" + d;
            String digits = payload + Surrogates.luhnCheckDigit(payload);
            return new Value("CREDIT_CARD", digits.replaceAll("(\\d{4})(?=\\d)", "$1 "));
        });
        Arbitrary<Value> iban = Arbitraries.strings().numeric().ofLength(18).map(bban -> {
            int check = 98 - Surrogates.mod97(bban + "DE00");
            return new Value("IBAN_CODE", String.format("DE%02d%s", check, bban));
        });
        Arbitrary<Value> phone = Arbitraries.strings().numeric().ofLength(3)
                .map(d -> new Value("PHONE_NUMBER", "+44 20 7946 0" + d));
        Arbitrary<Value> person = Combinators.combine(Arbitraries.of("Jonathan", "Maria", "Aiko", "Olu", "Zoë"),
                Arbitraries.of("Miller", "Rossi", "Tanaka", "Okafor", "Dubois")).as((f, l) -> new Value("PERSON", f + " " + l));
        Arbitrary<Value> other = Arbitraries.strings().numeric().ofLength(9).map(d -> new Value("US_SSN", d));
        return Arbitraries.oneOf(email, card, iban, phone, person, other);
    }

    @Provide
    Arbitrary<String> filler() {
        return Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_<>'.,:!\"\\\n")
                .ofMaxLength(30).map(s -> " " + s + " ");
    }

    @Property(tries = 300)
    void restoringAPseudonymisedStreamGivesBackTheOriginal(
            @ForAll @Size(min = 1, max = 8) List<@From("values") Value> values,
            @ForAll @Size(min = 9, max = 9) List<@From("filler") String> fillers,
            @ForAll @Size(max = 12) List<@IntRange(min = 0, max = 10_000) Integer> cuts,
            @ForAll boolean realistic, @ForAll boolean json, @ForAll long seed) {
        StringBuilder text = new StringBuilder(fillers.getFirst());
        List<Finding> findings = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            Value v = values.get(i);
            findings.add(new Finding(v.type(), 0, text.length(), text.length() + v.text().length(), 1, "test"));
            text.append(v.text()).append(fillers.get(i + 1));
        }
        String original = json ? Restorer.jsonEscape(text.toString()) : text.toString();
        Surrogates surrogates = Surrogates.forTesting(realistic ? Style.REALISTIC : Style.TAG, new Random(seed));
        Pseudonymizer p = new Pseudonymizer(new PseudonymTable(), surrogates, Pseudonymizer.occurringIn(List.of(text.toString())));
        String pseudonymised = p.pseudonymise(text.toString(), 0, findings);
        for (Value v : values) {
            assertThat(pseudonymised).doesNotContain(v.text());
        }
        String sent = json ? Restorer.jsonEscape(pseudonymised).replace("<", "\\u003c").replace(">", "\\u003e") : pseudonymised;
        Restorer r = p.restorer(json ? Restorer.Escaping.JSON_STRING : Restorer.Escaping.NONE);
        StringBuilder restored = new StringBuilder();
        int from = 0;
        for (int cut : cuts.stream().map(c -> c % (sent.length() + 1)).sorted().toList()) {
            restored.append(r.push(sent.substring(from, Math.max(from, cut))));
            from = Math.max(from, cut);
        }
        restored.append(r.push(sent.substring(from))).append(r.finish());
        String expected = json ? original.replace("<", "\\u003c").replace(">", "\\u003e") : original;
        // in JSON mode the model's own escapes of the surrounding text stay; the values come back JSON-escaped
        assertThat(restored.toString()).isEqualTo(expected);
    }
}
