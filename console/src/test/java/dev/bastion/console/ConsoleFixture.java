package dev.bastion.console;

import dev.bastion.crypto.InsecureSecretAccess;
import dev.bastion.gateway.config.ConfigLoader;
import dev.bastion.gateway.config.ConfigPrinter;
import dev.bastion.gateway.config.GatewayConfig;
import dev.bastion.gateway.config.LoadedConfig;
import dev.bastion.gateway.identity.KeyService;
import dev.bastion.gateway.server.Gateway;
import dev.bastion.gateway.telemetry.BuildInfo;
import dev.bastion.gateway.telemetry.Tracing;
import dev.bastion.store.keys.Role;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A real gateway with its console, both on port 0, and an HTTP client that logs in as a browser would. */
final class ConsoleFixture implements AutoCloseable {
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([A-Za-z0-9_-]+)\"");

    final Gateway gateway;
    final Path dataDir;
    final String adminKey;
    final GatewayConfig config;

    private ConsoleFixture(Gateway gateway, Path dataDir, String adminKey, GatewayConfig config) {
        this.config = config;
        this.gateway = gateway;
        this.dataDir = dataDir;
        this.adminKey = adminKey;
    }

    static ConsoleFixture start(Path dir, String yaml) {
        return start(dir, yaml, Map.of());
    }

    static ConsoleFixture start(Path dir, String yaml, Map<String, String> env) {
        return start(dir, yaml, env, Clock.systemUTC());
    }

    /** With the gateway and console on {@code clock} (a fixed one makes every time on the pages the same). */
    static ConsoleFixture start(Path dir, String yaml, Map<String, String> env, Clock clock) {
        try {
            Files.writeString(dir.resolve("bastion.yaml"), yaml);
            LoadedConfig loaded = ConfigLoader.load(Optional.of(dir.resolve("bastion.yaml")), dir, env,
                    Map.of("server.port", "0", "console.port", "0", "data-dir", dir.resolve("data").toString()), dir);
            GatewayConfig config = loaded.config();
            Gateway gateway = Gateway.start(config, env, clock, BuildInfo.DEVELOPMENT,
                    Tracing.from(config.telemetry(), BuildInfo.DEVELOPMENT),
                    Optional.of(parts -> Console.routing(parts, ConfigPrinter.settings(loaded))));
            return new ConsoleFixture(gateway, dir.resolve("data"), Files.readString(dir.resolve("data/admin.key")).strip(),
                    config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code use} with a privacy ledger on this gateway's store (charged as {@code bastion dp} would). */
    void withLedger(Clock clock, java.util.function.Consumer<dev.bastion.privacy.ledger.PrivacyLedger> use) {
        try (dev.bastion.store.jdbc.Database db = config.store().open(dataDir, Map.of())) {
            use.accept(new dev.bastion.privacy.ledger.PrivacyLedger(new dev.bastion.store.jdbc.JdbcLedgerStore(db),
                    dev.bastion.privacy.accounting.Accounting.standard(), clock, (id, charge, after) -> { }));
        }
    }

    String origin() {
        return "http://127.0.0.1:" + gateway.consolePort().orElseThrow();
    }

    String apiUrl() {
        return "http://127.0.0.1:" + gateway.port();
    }

    String createKey(Role role, String tenant, String label) {
        return gateway.keys().create(new KeyService.KeySpec(role, tenant, List.of("*"), Optional.empty(), Optional.empty(),
                label)).secret().toUtf8(InsecureSecretAccess.get());
    }

    String keyIdOf(String key) {
        return gateway.keys().authenticate(key).orElseThrow().id();
    }

    /** A logged-in HTTP session: its cookie and the CSRF token of its pages. */
    record Session(String cookie, String csrf) {
    }

    static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    HttpResponse<String> get(String path, Optional<String> cookie) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(origin() + path)).GET();
        cookie.ifPresent(c -> b.header("Cookie", c));
        return send(b.build());
    }

    HttpResponse<String> post(String path, Optional<String> cookie, Optional<String> originHeader, Map<String, String> form) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(origin() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(form)));
        cookie.ifPresent(c -> b.header("Cookie", c));
        originHeader.ifPresent(o -> b.header("Origin", o));
        return send(b.build());
    }

    /** Logs in with {@code key} through the login form; the session's cookie and CSRF token. */
    Session login(String key) {
        HttpResponse<String> page = get("/login", Optional.empty());
        String loginCookie = cookieOf(page, "bastion-console-login");
        HttpResponse<String> res = post("/login", Optional.of(loginCookie), Optional.of(origin()),
                Map.of("_csrf", csrfOf(page.body()), "key", key));
        if (res.statusCode() != 303) {
            throw new IllegalStateException("login failed with " + res.statusCode());
        }
        String cookie = cookieOf(res, "bastion-console");
        return new Session(cookie, csrfOf(get("/keys", Optional.of(cookie)).body()));
    }

    static String cookieOf(HttpResponse<?> res, String name) {
        return res.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "="))
                .map(c -> c.substring(0, c.indexOf(';'))).findFirst()
                .orElseThrow(() -> new IllegalStateException("no cookie " + name));
    }

    static String csrfOf(String html) {
        Matcher m = CSRF.matcher(html);
        if (!m.find()) {
            throw new IllegalStateException("no CSRF field on the page");
        }
        return m.group(1);
    }

    private static String encode(Map<String, String> form) {
        StringBuilder b = new StringBuilder();
        form.forEach((k, v) -> b.append(b.isEmpty() ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return b.toString();
    }

    private static HttpResponse<String> send(HttpRequest req) {
        try {
            return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        gateway.close();
    }
}
