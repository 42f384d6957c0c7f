package dev.bastion.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Under TLS the console's cookie is {@code __Host-} prefixed and Secure, and the Origin must be https. */
class ConsoleTlsTest {
    @TempDir
    Path dir;

    @Test
    void underTlsTheSessionCookieIsHostPrefixedAndSecureAndOriginsMustBeHttps() throws Exception {
        Path keystore = dir.resolve("server.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "bastion", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore",
                keystore.toString(), "-storepass", "changeit-test", "-keypass", "changeit-test").redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        try (ConsoleFixture console = ConsoleFixture.start(dir, "server:\n  tls:\n    keystore: server.p12\n"
                + "    keystore-password-env: KS_PASS\n", Map.of("KS_PASS", "changeit-test"))) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                trust.load(in, "changeit-test".toCharArray());
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            HttpClient https = HttpClient.newBuilder().sslContext(ssl).followRedirects(HttpClient.Redirect.NEVER).build();
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
