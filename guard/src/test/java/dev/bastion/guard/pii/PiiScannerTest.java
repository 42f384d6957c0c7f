package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PiiScannerTest {

    @Test
    void checkDigitsAcceptValidIdentifiersAndRejectTheirOneDigitNeighbours() {
        assertThat(Checksums.creditCard("4111111111111111")).isTrue();
        assertThat(Checksums.creditCard("4111111111111112")).isFalse();
        assertThat(Checksums.iban("GB82WEST12345698765432")).isTrue();
        assertThat(Checksums.iban("GB82WEST12345698765433")).isFalse();
        assertThat(Checksums.iban("DE89370400440532013000")).isTrue();
        assertThat(Checksums.iban("DE89370400440532013")).isFalse(); // wrong length for DE
        assertThat(Checksums.usSsn("078051120")).isTrue();
        assertThat(Checksums.usSsn("666051120")).isFalse();
        assertThat(Checksums.usSsn("900051120")).isFalse();
        assertThat(Checksums.spanishDni("12345678Z")).isTrue();
        assertThat(Checksums.spanishDni("12345678A")).isFalse();
        assertThat(Checksums.spanishDni("X1234567L")).isTrue();
        assertThat(Checksums.italianFiscalCode("RSSMRA85T10A562S")).isTrue();
        assertThat(Checksums.italianFiscalCode("RSSMRA85T10A562T")).isFalse();
        assertThat(Checksums.frenchNir("184127645108946")).isTrue();
        assertThat(Checksums.frenchNir("184127645108947")).isFalse();
        assertThat(Checksums.germanTaxId("86095742719")).isTrue();
        assertThat(Checksums.germanTaxId("86095742718")).isFalse();
        assertThat(Checksums.aadhaar("234123412346")).isTrue();
        assertThat(Checksums.aadhaar("234123412347")).isFalse();
        assertThat(Checksums.ukNino("AB123456C")).isTrue();
        assertThat(Checksums.ukNino("QQ123456C")).isFalse();
        assertThat(Checksums.indianPan("ABCPE1234F")).isTrue();
        assertThat(Checksums.indianPan("ABCXE1234F")).isFalse();
        assertThat(Checksums.luhn("046454286")).isTrue(); // a Canadian SIN test number
    }

    @Test
    void textWhoseLowerCaseIsLongerIsScannedWithoutCrashingAndSpansStayOnTheOriginal() {
        // "İ" lower-cases to two chars with String.toLowerCase; spans must still index the original text.
        for (String text : List.of("İstanbul İİİİ licence number D1234567", "İİİİİİİİ born on 12 March 1980",
                "İİİİİİİİİİİİİİİİ zip 90210", "İstanbul ofisi: mail ayse@example.com")) {
            List<Recognizer.Candidate> found = PiiScanner.defaults().find(text);
            assertThat(found).as(text).isNotEmpty()
                    .allSatisfy(c -> assertThat(c.end()).isLessThanOrEqualTo(text.length()));
        }
    }

    @Test
    void findsTypedSpansWithScoresAndLeavesNearMissesAlone() {
        PiiScanner s = PiiScanner.defaults();
        String text = "Mail jane.doe@example.org or call +44 20 7946 0958; card 4111 1111 1111 1111, "
                + "IBAN GB82 WEST 1234 5698 7654 32, server 10.0.0.12, born on 12 March 1984, aged 41.";
        List<Recognizer.Candidate> found = s.find(text);
        Map<String, String> byType = new java.util.HashMap<>();
        for (Recognizer.Candidate c : found) {
            byType.put(c.type(), text.substring(c.start(), c.end()));
        }
        assertThat(byType).containsEntry("EMAIL_ADDRESS", "jane.doe@example.org")
                .containsEntry("PHONE_NUMBER", "+44 20 7946 0958")
                .containsEntry("CREDIT_CARD", "4111 1111 1111 1111")
                .containsEntry("IBAN_CODE", "GB82 WEST 1234 5698 7654 32")
                .containsEntry("IP_ADDRESS", "10.0.0.12")
                .containsEntry("DATE_TIME", "12 March 1984")
                .containsEntry("AGE", "41");
        assertThat(s.find("card 4111 1111 1111 1112 is not valid")).noneMatch(c -> c.type().equals("CREDIT_CARD"));
    }

    @Test
    void contextWordsRaiseWeakRecognisersOverTheThreshold() {
        PiiScanner s = PiiScanner.defaults();
        assertThat(s.find("reference 078-05-1120 in the file")).noneMatch(c -> c.type().equals("US_SSN"));
        assertThat(s.find("my SSN is 078-05-1120")).anyMatch(c -> c.type().equals("US_SSN") && c.score() > 0.7);
    }

    @Test
    void allowAndDenyListsApply() {
        PiiScanner s = new PiiScanner(Map.of(), 0.4, Set.of("support@example.org"), Set.of("project nightingale"));
        List<Recognizer.Candidate> f = s.find("Write to support@example.org about Project Nightingale, or bob@example.org.");
        assertThat(f).extracting(Recognizer.Candidate::type).containsExactly("DENY_LIST", "EMAIL_ADDRESS");
    }

    @Test
    void aMegabyteOfPathologicalInputFinishesPromptly() {
        String digits = "1 ".repeat(250_000) + "4".repeat(250_000) + "@".repeat(100_000) + "a.".repeat(100_000);
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> PiiScanner.defaults().find(digits));
    }

    @Test
    void peoplePlacesOrganisationsAddressesAndTitlesComeFromTheTrainedModel() {
        PiiScanner s = PiiScanner.defaults();
        String text = "Yesterday Dr. Hanna Virtanen met Jonathan Miller from Acme Widgets GmbH in Amsterdam; "
                + "send the papers to 221 Baker Street, London. My name is Zoltan.";
        Map<String, List<String>> byType = new java.util.HashMap<>();
        for (Recognizer.Candidate c : s.find(text)) {
            byType.computeIfAbsent(c.type(), k -> new java.util.ArrayList<>()).add(text.substring(c.start(), c.end()));
        }
        assertThat(byType.get("PERSON")).contains("Hanna Virtanen", "Jonathan Miller", "Zoltan");
        assertThat(byType.get("TITLE")).isNull(); // the balanced mode reports no title alone; the recall mode does
        assertThat(PiiScanner.defaults(PiiMode.RECALL).find(text)).anyMatch(c -> c.type().equals("TITLE")
                && text.substring(c.start(), c.end()).equals("Dr."));
        assertThat(byType.get("ORGANIZATION")).contains("Acme Widgets GmbH");
        assertThat(byType.get("LOCATION")).contains("Amsterdam");
        assertThat(byType.get("STREET_ADDRESS")).anyMatch(l -> l.startsWith("221 Baker Street"));
        assertThat(s.find("Will you send the April report to the team today?"))
                .noneMatch(c -> c.type().equals("PERSON"));
    }

    @Test
    void namesAreFoundInFrenchGermanSpanishAndItalianToo() {
        PiiScanner s = PiiScanner.defaults();
        assertThat(s.find("Je m'appelle Amélie Poulain et j'habite à Lyon.")).extracting(Recognizer.Candidate::type)
                .contains("PERSON", "LOCATION");
        assertThat(s.find("Ich heiße Jürgen und wohne in der Hauptstraße 5, 10115 Berlin."))
                .extracting(Recognizer.Candidate::type).contains("PERSON", "STREET_ADDRESS");
        assertThat(s.find("Me llamo Lucía Fernández y vivo en Sevilla.")).extracting(Recognizer.Candidate::type)
                .contains("PERSON", "LOCATION");
        assertThat(s.find("Mi chiamo Giulia Bianchi e abito a Torino.")).extracting(Recognizer.Candidate::type)
                .contains("PERSON", "LOCATION");
    }

    @Test
    void arbitraryTextNeverCrashesTheScannerAndEveryFindingLiesInsideIt() {
        PiiScanner s = PiiScanner.defaults();
        java.util.Random r = new java.util.Random(3);
        String alphabet = "aZ09 .,:@-/\n\t'\"()+#éß\u00a0\u200b\ud83d\ude00\ud800Mr.Dr 12 Street GmbH";
        for (int trial = 0; trial < 400; trial++) {
            StringBuilder b = new StringBuilder();
            int n = r.nextInt(300);
            for (int i = 0; i < n; i++) {
                b.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            String text = b.toString();
            for (Recognizer.Candidate c : s.find(text)) {
                assertThat(c.start()).isBetween(0, c.end() - 1);
                assertThat(c.end()).isLessThanOrEqualTo(text.length());
                assertThat(c.score()).isBetween(0.0, 1.0);
                assertThat(c.recognizer()).isNotBlank();
            }
        }
        assertThat(s.find("")).isEmpty();
    }

    @Test
    void theListedTypesIncludeEveryTypeTheModelCanReport() {
        assertThat(PiiScanner.types()).contains("PERSON", "LOCATION", "STREET_ADDRESS", "ORGANIZATION", "NRP", "TITLE",
                "ZIP_CODE", "US_DRIVER_LICENSE", "PHONE_NUMBER", "EMAIL_ADDRESS").doesNotHaveDuplicates();
    }

    @Test
    void aNumberOwnedByAPatternRecogniserIsNeverPartOfAName() {
        PiiScanner s = PiiScanner.defaults();
        String text = "Call Maria Rossi on +44 20 7946 0958 tomorrow.";
        List<Recognizer.Candidate> found = s.find(text);
        assertThat(found).anyMatch(c -> c.type().equals("PHONE_NUMBER")
                && text.substring(c.start(), c.end()).equals("+44 20 7946 0958"));
        assertThat(found).filteredOn(c -> !c.type().equals("PHONE_NUMBER"))
                .allMatch(c -> c.end() <= text.indexOf("+44") || c.start() >= text.indexOf(" tomorrow"));
    }
}
