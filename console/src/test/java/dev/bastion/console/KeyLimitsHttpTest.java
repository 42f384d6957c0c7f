package dev.bastion.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.identity.RateLimiter;
import dev.bastion.store.keys.Limits;
import dev.bastion.store.keys.Role;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-key limits on the keys page: shown to every viewer, changed by admins only, audited, enforced at once. */
class KeyLimitsHttpTest {
    @TempDir
    static Path dir;
    static ConsoleFixture console;

    @BeforeAll
    static void start() {
        console = ConsoleFixture.start(dir, "limits:\n  per-key:\n    requests-per-minute: 600\n  per-tenant:\n"
                + "    tokens-per-minute: 90000\n");
    }

    @AfterAll
    static void stop() {
        console.close();
    }

    private static Map<String, String> limits(String csrf, String keyId, String rpm, String tpm) {
        return Map.of("_csrf", csrf, "key", keyId, "requests_per_minute", rpm, "tokens_per_minute", tpm);
    }

    @Test
    void anAdminSetsAKeysLimitsAndTheGatewayEnforcesThemFromItsNextRequest() {
        String secret = console.createKey(Role.USER, "acme", "limited");
        String id = console.keyIdOf(secret);
        ConsoleFixture.Session admin = console.login(console.adminKey);
        HttpResponse<String> res = console.post("/keys/limits", Optional.of(admin.cookie()), Optional.of(console.origin()),
                limits(admin.csrf(), id, "1", "5000"));
        assertThat(res.statusCode()).isEqualTo(303);
        assertThat(console.gateway.keys().find(id).orElseThrow().limits()).contains(new Limits(1, 5000, 0));
        RateLimiter limiter = console.gateway.rateLimiter();
        var key = console.gateway.keys().authenticate(secret).orElseThrow();
        assertThat(limiter.tryAcquire(key)).isInstanceOf(RateLimiter.Admission.Admitted.class);
        assertThat(limiter.tryAcquire(key)).isInstanceOfSatisfying(RateLimiter.Admission.Limited.class,
                l -> assertThat(l.limit()).isEqualTo("requests-per-minute"));
        String page = console.get(res.headers().firstValue("Location").orElseThrow(), Optional.of(admin.cookie())).body();
        assertThat(page).contains("The key's limits were changed");
        assertThat(lastRecord()).contains("\"action\":\"key.limits\"").contains(id + " rpm=1 tpm=5000 concurrent=0");
    }

    @Test
    void defaultsAreShownForAKeyWithoutItsOwnAndTheTenantsLimitsBesideItsKeys() {
        String id = console.keyIdOf(console.createKey(Role.USER, "globex", "defaults only"));
        ConsoleFixture.Session auditor = console.login(console.createKey(Role.AUDITOR, "default", "reader"));
        String page = console.get("/keys", Optional.of(auditor.cookie())).body();
        String row = page.substring(page.indexOf("<code>" + id + "</code>"));
        row = row.substring(0, row.indexOf("</tr>"));
        assertThat(row).contains(">600<").contains("defaults");
        String tenants = page.substring(page.indexOf("id=\"tenants\""));
        assertThat(tenants).contains("<td>globex</td>").contains(">90000<").contains("<code>" + id + "</code>");
        assertThat(page).doesNotContain("action=\"/keys/limits\"");
    }

    @Test
    void backToDefaultsClearsTheKeysOwnLimits() {
        String id = console.keyIdOf(console.createKey(Role.USER, "acme", "back to defaults"));
        console.gateway.keys().setLimits(id, Optional.of(new Limits(7, 0, 0)));
        ConsoleFixture.Session admin = console.login(console.adminKey);
        assertThat(console.post("/keys/limits", Optional.of(admin.cookie()), Optional.of(console.origin()),
                Map.of("_csrf", admin.csrf(), "key", id, "defaults", "on")).statusCode()).isEqualTo(303);
        assertThat(console.gateway.keys().find(id).orElseThrow().limits()).isEmpty();
    }

    @Test
    void anAuditorAMissingTokenAForeignTenantAndANonNumberAreRefused() {
        String id = console.keyIdOf(console.createKey(Role.USER, "acme", "kept"));
        String other = console.keyIdOf(console.createKey(Role.USER, "globex", "other tenant"));
        ConsoleFixture.Session auditor = console.login(console.createKey(Role.AUDITOR, "default", "auditor"));
        ConsoleFixture.Session admin = console.login(console.adminKey);
        ConsoleFixture.Session acme = console.login(console.createKey(Role.ADMIN, "acme", "acme admin"));
        assertThat(console.post("/keys/limits", Optional.of(auditor.cookie()), Optional.of(console.origin()),
                limits(auditor.csrf(), id, "1", "")).statusCode()).isEqualTo(403);
        assertThat(console.post("/keys/limits", Optional.of(admin.cookie()), Optional.of(console.origin()),
                Map.of("key", id, "requests_per_minute", "1")).statusCode()).isEqualTo(403);
        assertThat(console.post("/keys/limits", Optional.of(acme.cookie()), Optional.of(console.origin()),
                limits(acme.csrf(), other, "1", "")).statusCode()).isEqualTo(404);
        assertThat(console.post("/keys/limits", Optional.of(admin.cookie()), Optional.of(console.origin()),
                limits(admin.csrf(), id, "-1", "")).statusCode()).isEqualTo(400);
        assertThat(console.gateway.keys().find(id).orElseThrow().limits()).isEmpty();
        assertThat(console.gateway.keys().find(other).orElseThrow().limits()).isEmpty();
    }

    private static String lastRecord() {
        var log = console.gateway.auditLog();
        return new String(log.record(log.size() - 1), StandardCharsets.UTF_8);
    }
}
