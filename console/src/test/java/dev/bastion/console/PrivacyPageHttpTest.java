package dev.bastion.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.privacy.accounting.PrivacyEvent;
import dev.bastion.privacy.ledger.Budget;
import dev.bastion.privacy.ledger.LedgerId;
import dev.bastion.privacy.ledger.PrivacyLedger;
import dev.bastion.store.keys.Role;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The privacy budgets page: every ledger's epsilon and delta spent and left, and its charges paged on the server. */
class PrivacyPageHttpTest {
    @TempDir
    static Path dir;
    static ConsoleFixture console;

    @BeforeAll
    static void start() {
        console = ConsoleFixture.start(dir, "audit:\n  checkpoint-every: 1\n");
        console.withLedger(Clock.systemUTC(), ledger -> {
            LedgerId census = new LedgerId("census", LedgerId.ROW);
            ledger.setTotal(census, new Budget(3, 1e-6));
            charge(ledger, census, "count by region", new PrivacyEvent.PureDp(0.5));
            charge(ledger, census, "mean income", new PrivacyEvent.Approximate(0.25, 1e-7));
            LedgerId visits = new LedgerId("visits", "patient_id");
            ledger.setTotal(visits, new Budget(1, 0));
            for (int i = 0; i < 120; i++) {
                charge(ledger, visits, "query " + i, new PrivacyEvent.PureDp(0.001));
            }
        });
    }

    private static void charge(PrivacyLedger ledger, LedgerId id, String what, PrivacyEvent event) {
        assertThat(ledger.charge(id, what, List.of(event))).isInstanceOf(PrivacyLedger.Outcome.Admitted.class);
    }

    @AfterAll
    static void stop() {
        console.close();
    }

    private static String row(String page, String dataset) {
        String from = page.substring(page.indexOf(">" + dataset + "</a>"));
        return from.substring(0, from.indexOf("</tr>"));
    }

    @Test
    void eachLedgerShowsEpsilonAndDeltaSpentAndLeft() {
        ConsoleFixture.Session auditor = console.login(console.createKey(Role.AUDITOR, "default", "reader"));
        String page = console.get("/privacy", Optional.of(auditor.cookie())).body();
        // census: pure 0.5 plus approximate (0.25, 1e-7) at delta 1e-6: 0.75 spent, 2.25 left, 1e-7 of delta used.
        assertThat(row(page, "census")).contains(">3<").contains(">0.75<").contains(">2.25<").contains(">1e-07<")
                .contains(">9e-07<").contains("25% of epsilon spent");
        assertThat(row(page, "visits")).contains(">patient_id<").contains(">0.12<").contains(">0.88<").contains(">120<");
    }

    @Test
    void aLedgersChargesArePagedNewestFirstFiftyAPage() {
        ConsoleFixture.Session admin = console.login(console.adminKey);
        String first = console.get("/privacy?dataset=visits&unit=patient_id", Optional.of(admin.cookie())).body();
        assertThat(sequences(first)).hasSize(50).startsWith(119L, 118L).endsWith(70L);
        assertThat(first).contains("rel=\"next\"").contains("query 119").doesNotContain("query 69<");
        String third = console.get("/privacy?dataset=visits&unit=patient_id&page=3", Optional.of(admin.cookie())).body();
        assertThat(sequences(third)).hasSize(20).startsWith(19L).endsWith(0L);
        assertThat(third).doesNotContain("rel=\"next\"");
    }

    @Test
    void aTenantBoundKeySeesNoLedger() {
        ConsoleFixture.Session acme = console.login(console.createKey(Role.AUDITOR, "acme", "tenant reader"));
        String page = console.get("/privacy", Optional.of(acme.cookie())).body();
        assertThat(page).doesNotContain("census").doesNotContain("visits").contains("a tenant-bound key does not see them");
    }

    private static List<Long> sequences(String page) {
        String charges = page.substring(page.indexOf("id=\"charges\""));
        Matcher m = Pattern.compile("<tr><td class=\"num\">(\\d+)</td>").matcher(charges);
        List<Long> out = new java.util.ArrayList<>();
        while (m.find()) {
            out.add(Long.parseLong(m.group(1)));
        }
        return out;
    }
}
