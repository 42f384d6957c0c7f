package dev.bastion.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.testing.TestTls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Under TLS the console's cookie is {@code __Host-} prefixed and Secure, and the Origin must be https. */
class ConsoleTlsTest {
    @TempDir
    Path dir;

    @Test
    void underTlsTheSessionCookieIsHostPrefixedAndSecureAndOriginsMustBeHttps() throws Exception {
        Path keystore = TestTls.selfSignedKeystore(dir);
        try (ConsoleFixture console = ConsoleFixture.start(dir, "server:\n  tls:\n    keystore: server.p12\n"
                + "    keystore-password-env: KS_PASS\n", Map.of("KS_PASS", TestTls.PASSWORD))) {
            HttpClient https = HttpClient.newBuilder().sslContext(TestTls.trusting(keystore)).followRedirects(HttpClient.Redirect.NEVER).build();
            String origin = "https://127.0.0.1:" + console.gateway.consolePort().orElseThrow();

            HttpResponse<String> page = https.send(HttpRequest.newBuilder(URI.create(origin + "/login")).build(),
                    HttpResponse.BodyHandlers.ofString());
            String loginCookie = ConsoleFixture.cookieOf(page, "bastion-console-login");
            assertThat(page.headers().allValues("Set-Cookie")).anyMatch(c -> c.startsWith("bastion-console-login=")
                    && c.contains("; Secure"));
            String form = "_csrf=" + ConsoleFixture.csrfOf(page.body()) + "&key=" + console.adminKey;
            HttpResponse<String> plainOrigin = https.send(HttpRequest.newBuilder(URI.create(origin + "/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", loginCookie)
                    .header("Origin", origin.replace("https:", "http:")).POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(plainOrigin.statusCode()).isEqualTo(403);
            HttpResponse<String> login = https.send(HttpRequest.newBuilder(URI.create(origin + "/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", loginCookie)
                    .header("Origin", origin).POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).isEqualTo(303);
            String setCookie = login.headers().allValues("Set-Cookie").stream()
                    .filter(c -> c.startsWith("__Host-bastion-console=")).findFirst().orElseThrow();
            assertThat(setCookie).contains("; Path=/").contains("; HttpOnly").contains("; SameSite=Strict")
                    .contains("; Secure").doesNotContainIgnoringCase("domain");
            HttpResponse<String> overview = https.send(HttpRequest.newBuilder(URI.create(origin + "/"))
                    .header("Cookie", setCookie.substring(0, setCookie.indexOf(';'))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(overview.statusCode()).isEqualTo(200);
            assertThat(overview.body()).contains("<h1>Overview</h1>");
        }
    }
}
