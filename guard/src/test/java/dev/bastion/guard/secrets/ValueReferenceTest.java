package dev.bastion.guard.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Values that say where a secret lives, or hold a template slot, are not reported; real values beside them are. */
class ValueReferenceTest {
    private static final SecretsScanner SCANNER = SecretsScanner.builtIn();

    @Test
    void aConstantOrEnvironmentVariableNameIsAReferenceNotASecret() {
        assertThat(ValueFilters.reference("NONCOMPLIANT_APITOKEN", "variable_password1")).isTrue();
        assertThat(ValueFilters.reference("PROJECT_NAME_ALIAS", "project_key")).isTrue();
        assertThat(ValueFilters.reference("Q7VX2ML9PR4TW8ZB", "api_key")).isFalse(); // digits: a value, not a name
    }

    @Test
    void aDottedFieldAccessIsAReferenceNotASecret() {
        assertThat(ValueFilters.reference("settings.GITHUB_API_SECRET", "CLIENT_SECRET")).isTrue();
        assertThat(ValueFilters.reference("business.password", "key")).isTrue();
        assertThat(ValueFilters.reference("v2.q8Lm2Rv7Xk4Zp9Tw", "token")).isFalse();
    }

    @Test
    void theKeysOwnNameAsItsValueIsATemplateStandIn() {
        assertThat(ValueFilters.reference("DB_PASSWORD", "DB_PASSWORD")).isTrue();
        assertThat(ValueFilters.reference("travel-api-key", "TRAVEL_API_KEY")).isTrue();
        assertThat(ValueFilters.reference("Gr4nite-Lake-91", "DB_PASSWORD")).isFalse();
    }

    @Test
    void referencesInConfigFilesAreNotReported() {
        assertThat(SCANNER.scan(List.of("""
                CLIENT_SECRET = settings.GITHUB_API_SECRET
                project_key = PROJECT_NAME_ALIAS
                  webhookApiSecret: ZENDESK_WEBHOOK_API_SECRET
                    String variable_password1 = NONCOMPLIANT_APITOKEN;
                DB_PASSWORD=DB_PASSWORD
                  "TRAVEL_API_KEY": "TRAVEL_API_KEY",
                """))).isEmpty();
    }

    @Test
    void formatSlotsUrlsAndInvalidAreNotPasswords() {
        assertThat(ValueFilters.placeholder("prefix_{}")).isTrue();
        assertThat(ValueFilters.placeholder("{0}-{1}")).isTrue();
        assertThat(ValueFilters.placeholder("https://localhost")).isTrue();
        assertThat(ValueFilters.placeholder("invalid")).isTrue();
        assertThat(ValueFilters.placeholder("token")).isTrue();
        assertThat(SCANNER.scan(List.of("curl -u username:token https://api.acme.io"))).isEmpty();
        assertThat(ValueFilters.placeholder("Tango-Lima-4")).isFalse();
        assertThat(SCANNER.scan(List.of("wget --user=admin --password= https://localhost"))).isEmpty();
    }

    @Test
    void aRealValueNextToAReferenceIsStillReported() {
        String text = "CLIENT_SECRET = settings.GITHUB_API_SECRET\nDB_PASSWORD=Gr4nite-Lake-91\n";
        assertThat(SCANNER.scan(List.of(text))).singleElement()
                .satisfies(f -> assertThat(text.substring(f.start(), f.end())).isEqualTo("Gr4nite-Lake-91"));
    }

    @Test
    void aKubernetesEnvEntryReportsItsValueLine() {
        String text = "env:\n  - name: DB_PASSWORD\n    value: Gr4nite-Lake-91\n  - name: DB_HOST\n    value: db01.acme.io\n";
        assertThat(SCANNER.scan(List.of(text))).singleElement()
                .satisfies(f -> assertThat(text.substring(f.start(), f.end())).isEqualTo("Gr4nite-Lake-91"));
    }
}
