package dev.bastion.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.store.keys.Role;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console's server-side rules over plain HTTP: sessions, CSRF, Origin, roles, tenants and headers. */
class ConsoleHttpTest {
    @TempDir
    static Path dir;
    static ConsoleFixture console;

    @BeforeAll
    static void start() {
        console = ConsoleFixture.start(dir, "audit:\n  checkpoint-every: 1\nroutes:\n  - name: strict-route\n"
                + "    models: [\"*\"]\n    storage: metadata\n");
    }

    @AfterAll
    static void stop() {
        console.close();
    }

    /**
     * The console's listener ends a connection whose request says {@code Connection: close} right after the answer,
     * not after the 60 s idle timeout (helidon-io/helidon#12324; the gateway's ConnectionClose).
     */
    @Test
    void aRequestWithConnectionCloseIsAnsweredAndItsConnectionClosed() throws java.io.IOException {
        int port = console.gateway.consolePort().orElseThrow();
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.getOutputStream().write("GET /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.setSoTimeout(20_000);
            long start = System.nanoTime();
            byte[] answer = socket.getInputStream().readAllBytes(); // returns at end of stream: the server closed
            java.time.Duration took = java.time.Duration.ofNanos(System.nanoTime() - start);
            String text = new String(answer, java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThat(text).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close");
            assertThat(took).isLessThan(java.time.Duration.ofSeconds(10));
        }
    }

    private static Map<String, String> newKey(String csrf) {
        return Map.of("_csrf", csrf, "label", "made by a test", "role", "user");
    }

    @Test
    void anAdminWithTokenAndOriginCreatesAKeyThatWorksOnTheApi() {
        ConsoleFixture.Session admin = console.login(console.adminKey);
        HttpResponse<String> res = console.post("/keys", Optional.of(admin.cookie()), Optional.of(console.origin()),
                newKey(admin.csrf()));
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).containsPattern("<code id=\"new-key\">bsk_[A-Za-z0-9_-]{43}</code>");
    }

    @Test
    void aWriteWithoutTheCsrfTokenIs403() {
        ConsoleFixture.Session admin = console.login(console.adminKey);
        HttpResponse<String> res = console.post("/keys", Optional.of(admin.cookie()), Optional.of(console.origin()),
                Map.of("label", "no token"));
        assertThat(res.statusCode()).isEqualTo(403);
        assertThat(res.body()).doesNotContain("new-key");
    }

    @Test
    void aWriteWithAWrongCsrfTokenIs403() {
        ConsoleFixture.Session admin = console.login(console.adminKey);
        HttpResponse<String> res = console.post("/keys", Optional.of(admin.cookie()), Optional.of(console.origin()),
                newKey(admin.csrf().substring(1) + "x"));
        assertThat(res.statusCode()).isEqualTo(403);
    }

    @Test
    void aWriteFromAForeignOriginOrWithoutOriginIs403() {
        ConsoleFixture.Session admin = console.login(console.adminKey);
        assertThat(console.post("/keys", Optional.of(admin.cookie()), Optional.of("http://evil.example"),
                newKey(admin.csrf())).statusCode()).isEqualTo(403);
        assertThat(console.post("/keys", Optional.of(admin.cookie()), Optional.empty(), newKey(admin.csrf())).statusCode())
                .isEqualTo(403);
    }

    @Test
    void aNullOriginPassesOnlyWhenTheBrowserSaysSameOrigin() throws Exception {
        ConsoleFixture.Session admin = console.login(console.adminKey);
        for (String site : new String[] {"cross-site", "same-site", "none", ""}) {
            java.net.http.HttpRequest.Builder req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(console.origin() + "/keys"))
                    .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", admin.cookie())
                    .header("Origin", "null")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("_csrf=" + admin.csrf() + "&label=x"));
            if (!site.isEmpty()) {
                req.header("Sec-Fetch-Site", site);
            }
            assertThat(ConsoleFixture.HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString()).statusCode()).as(site)
                    .isEqualTo(403);
        }
        HttpResponse<String> same = ConsoleFixture.HTTP.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(console.origin() + "/keys")).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", admin.cookie()).header("Origin", "null").header("Sec-Fetch-Site", "same-origin")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("_csrf=" + admin.csrf() + "&label=x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(same.statusCode()).isEqualTo(200);
    }

    @Test
    void anAuditorSeesKeysButEveryWriteIs403() {
        String auditorKey = console.createKey(Role.AUDITOR, "default", "auditor");
        ConsoleFixture.Session auditor = console.login(auditorKey);
        HttpResponse<String> page = console.get("/keys", Optional.of(auditor.cookie()));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains(console.keyIdOf(console.adminKey)).doesNotContain("action=\"/keys\"");
        assertThat(console.post("/keys", Optional.of(auditor.cookie()), Optional.of(console.origin()),
                newKey(auditor.csrf())).statusCode()).isEqualTo(403);
        String target = console.keyIdOf(console.createKey(Role.USER, "default", "target"));
        assertThat(console.post("/keys/" + target + "/revoke", Optional.of(auditor.cookie()), Optional.of(console.origin()),
                Map.of("_csrf", auditor.csrf())).statusCode()).isEqualTo(403);
        assertThat(console.gateway.keys().find(target).orElseThrow().revokedAt()).isEmpty();
    }

    @Test
    void aTenantBoundKeySeesOnlyItsTenant() {
        String ownId = console.keyIdOf(console.createKey(Role.USER, "acme", "acme user"));
        String otherId = console.keyIdOf(console.createKey(Role.USER, "globex", "globex user"));
        ConsoleFixture.Session acme = console.login(console.createKey(Role.ADMIN, "acme", "acme admin"));
        String keys = console.get("/keys", Optional.of(acme.cookie())).body();
        assertThat(keys).contains(ownId).doesNotContain(otherId).doesNotContain(console.keyIdOf(console.adminKey));
        assertThat(console.post("/keys/" + otherId + "/revoke", Optional.of(acme.cookie()), Optional.of(console.origin()),
                Map.of("_csrf", acme.csrf())).statusCode()).isEqualTo(404);
        assertThat(console.gateway.keys().find(otherId).orElseThrow().revokedAt()).isEmpty();
    }

    @Test
    void logoutEndsTheSessionAtOnce() {
        ConsoleFixture.Session admin = console.login(console.adminKey);
        assertThat(console.post("/logout", Optional.of(admin.cookie()), Optional.of(console.origin()),
                Map.of("_csrf", admin.csrf())).statusCode()).isEqualTo(303);
        HttpResponse<String> after = console.get("/keys", Optional.of(admin.cookie()));
        assertThat(after.statusCode()).isEqualTo(303);
        assertThat(after.headers().firstValue("Location")).contains("/login");
    }

    @Test
    void revokingTheKeyEndsItsSessionAtOnce() {
        String auditorKey = console.createKey(Role.AUDITOR, "default", "soon revoked");
        ConsoleFixture.Session auditor = console.login(auditorKey);
        assertThat(console.get("/usage", Optional.of(auditor.cookie())).statusCode()).isEqualTo(200);
        console.gateway.keys().revoke(console.keyIdOf(auditorKey));
        assertThat(console.get("/usage", Optional.of(auditor.cookie())).statusCode()).isEqualTo(303);
    }

    @Test
    void aUserKeyCannotLogIn() {
        HttpResponse<String> page = console.get("/login", Optional.empty());
        HttpResponse<String> res = console.post("/login", Optional.of(ConsoleFixture.cookieOf(page, "bastion-console-login")),
                Optional.of(console.origin()), Map.of("_csrf", ConsoleFixture.csrfOf(page.body()),
                        "key", console.createKey(Role.USER, "default", "user")));
        assertThat(res.statusCode()).isEqualTo(401);
        assertThat(res.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("bastion-console="));
    }

    @Test
    void theSessionCookieIsHttpOnlyAndSameSiteStrict() {
        HttpResponse<String> page = console.get("/login", Optional.empty());
        HttpResponse<String> res = console.post("/login", Optional.of(ConsoleFixture.cookieOf(page, "bastion-console-login")),
                Optional.of(console.origin()), Map.of("_csrf", ConsoleFixture.csrfOf(page.body()), "key", console.adminKey));
        String cookie = res.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("bastion-console="))
                .findFirst().orElseThrow();
        assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict").contains("Path=/")
                .matches("bastion-console=[A-Za-z0-9_-]{43};.*");
    }

    @Test
    void everyResponseCarriesTheContentSecurityPolicyAndNoStore() {
        ConsoleFixture.Session admin = console.login(console.adminKey);
        for (String path : new String[] {"/", "/keys", "/usage", "/audit", "/login", "/assets/console.css", "/nope"}) {
            HttpResponse<String> res = console.get(path, Optional.of(admin.cookie()));
            assertThat(res.headers().firstValue("Content-Security-Policy")).as(path).contains(SecurityHeaders.CSP);
            assertThat(res.headers().firstValue("Cache-Control")).as(path).contains("no-store");
            assertThat(res.headers().firstValue("X-Content-Type-Options")).as(path).contains("nosniff");
            assertThat(res.headers().firstValue("Referrer-Policy")).as(path).contains("no-referrer");
        }
    }

    @Test
    void theCsrfTokenMayComeAsTheHtmxHeader() throws Exception {
        ConsoleFixture.Session admin = console.login(console.adminKey);
        HttpResponse<String> res = ConsoleFixture.HTTP.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(console.origin() + "/keys")).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", admin.cookie()).header("Origin", console.origin()).header("X-CSRF-Token", admin.csrf())
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("label=via+header")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).contains("id=\"new-key\"");
    }

    @Test
    void usageIsPagedOnTheServerFiftyRowsAPage() {
        java.time.LocalDate day = java.time.LocalDate.parse("2026-11-01");
        java.util.List<dev.bastion.store.usage.UsageRepository.Usage> rows = new java.util.ArrayList<>();
        for (int i = 0; i < 120; i++) {
            rows.add(new dev.bastion.store.usage.UsageRepository.Usage(day.plusDays(i % 60), "paged", "key_00000000000000aa",
                    "model-" + (i / 60), 1, 10, 5));
        }
        try (dev.bastion.store.jdbc.Database db = dev.bastion.store.jdbc.Database.sqlite(console.dataDir.resolve("bastion.db"))) {
            new dev.bastion.store.jdbc.JdbcUsageRepository(db).addUsage(rows);
        }
        ConsoleFixture.Session admin = console.login(console.adminKey);
        String first = console.get("/usage?tenant=paged", Optional.of(admin.cookie())).body();
        assertThat(first).contains("120 rows").contains("href=\"/usage?tenant=paged&amp;page=2\"").doesNotContain("rel=\"prev\"");
        assertThat(first.split("<td>paged</td>", -1)).hasSize(51);
        String third = console.get("/usage?tenant=paged&page=3", Optional.of(admin.cookie())).body();
        assertThat(third.split("<td>paged</td>", -1)).hasSize(21);
        assertThat(third).doesNotContain("rel=\"next\"");
        String filtered = console.get("/usage?tenant=paged&model=model-1&from=2026-11-11&to=2026-11-20",
                Optional.of(admin.cookie())).body();
        assertThat(filtered).contains("10 rows");
    }

    @Test
    void thePolicyPageShowsEachRoutesSettingsWithTheirSources() {
        String auditorKey = console.createKey(Role.AUDITOR, "default", "policy reader");
        String page = console.get("/policy", Optional.of(console.login(auditorKey).cookie())).body();
        assertThat(page).contains("<h2>Route strict-route</h2>")
                .containsPattern("<td><code>storage</code></td><td>metadata</td><td>[^<]*bastion.yaml:\\d+</td>")
                .containsPattern("<td><code>guard.max-messages</code></td><td>\\d+</td><td>default</td>");
    }

    @Test
    void aDryRunShowsTheRoutesDecisionButNeverTheText() {
        String auditorKey = console.createKey(Role.AUDITOR, "default", "dry runner");
        ConsoleFixture.Session auditor = console.login(auditorKey);
        String secret = "AKIA" + "Q3EGRTLMZ7WXK5PB";
        HttpResponse<String> blocked = console.post("/policy/dry-run", Optional.of(auditor.cookie()),
                Optional.of(console.origin()), Map.of("_csrf", auditor.csrf(), "route", "strict-route",
                        "text", "please use my key " + secret + " today"));
        assertThat(blocked.statusCode()).isEqualTo(200);
        assertThat(blocked.body()).contains("<strong class=\"verdict\">block</strong>").contains("blocked_by_policy:")
                .doesNotContain(secret).doesNotContain("please use my key");
        HttpResponse<String> allowed = console.post("/policy/dry-run", Optional.of(auditor.cookie()),
                Optional.of(console.origin()), Map.of("_csrf", auditor.csrf(), "route", "strict-route",
                        "text", "what is the capital of France?"));
        assertThat(allowed.body()).contains("<strong class=\"verdict\">allow</strong>").doesNotContain("capital of France");
        assertThat(console.post("/policy/dry-run", Optional.of(auditor.cookie()), Optional.of(console.origin()),
                Map.of("route", "strict-route", "text", "x")).statusCode()).as("without the CSRF token").isEqualTo(403);
    }

    @Test
    void pagesWithoutASessionGoToTheLoginPage() {
        HttpResponse<String> res = console.get("/audit", Optional.empty());
        assertThat(res.statusCode()).isEqualTo(303);
        assertThat(res.headers().firstValue("Location")).contains("/login");
        assertThat(console.get("/audit/proof?index=0", Optional.empty()).statusCode()).isEqualTo(303);
    }
}
