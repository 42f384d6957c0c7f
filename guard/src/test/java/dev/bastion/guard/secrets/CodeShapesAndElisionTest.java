package dev.bastion.guard.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Round fourteen (issue 14): credentials in code shapes the rules did not read (a literal compared with a
 * credential variable from the left, short names such as pw and cred, string-typed declarations, the fallback of an
 * environment helper, a resource's name attribute, an id|token value), and values shown cut short or masked, which
 * are not the credential. Every value here was made up for these tests.
 */
class CodeShapesAndElisionTest {

    /** The blocking findings' matched text. */
    private static List<String> found(String text) {
        return SecretFindings.texts(text);
    }

    @Test
    void aLiteralOnTheLeftOfAComparisonWithAPasswordIsThePassword() {
        assertThat(found("\tif \"9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a5c7e\" != password {"))
                .containsExactly("9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a5c7e");
        assertThat(found("if ('Tango-Lima-4' === req.body.adminPassword) {")).containsExactly("Tango-Lima-4");
        assertThat(found("if \"admin\" == username {")).isEmpty();
        assertThat(found("if \"${DB_PASS}\" == password {")).isEmpty();
    }

    @Test
    void shortCredentialNamesCarryTheirValueButWordsEndingInThemDoNot() {
        assertThat(found("pw = \"Zr4qL8mXv2Tn7Kp1Wc9sBd6H\"")).containsExactly("Zr4qL8mXv2Tn7Kp1Wc9sBd6H");
        assertThat(found("db_pw: Zr4qL8mXv2Tn7Kp1Wc9sBd6H")).containsExactly("Zr4qL8mXv2Tn7Kp1Wc9sBd6H");
        assertThat(found("\tcred = \"Lm9vXp4Rk8tW3zB6nK1sD5fG7hJ0aE==\"")).hasSize(1);
        assertThat(found("bearer = \"Bearer: q7Hm2vX9Lp4Rk8tW3zB6nK1s\"")).containsExactly("q7Hm2vX9Lp4Rk8tW3zB6nK1s");
        assertThat(found("upward = \"Zr4qL8mXv2Tn7Kp1Wc9sBd6H\"")).isEmpty();
        assertThat(found("pw = password_field.get_text()")).isEmpty();
    }

    @Test
    void aStringTypedDeclarationIsReadLikeAnAssignment() {
        assertThat(found("const billingKey string = \"Rk8tW3zB6nK1sD5fG7hJ0aEq\"")).containsExactly("Rk8tW3zB6nK1sD5fG7hJ0aEq");
        assertThat(found("    val uploadToken: String = \"Wq7mZ2pLx9Gr4nLk91Tv\"")).containsExactly("Wq7mZ2pLx9Gr4nLk91Tv");
        assertThat(found("let signing_secret: &str = \"Xk4Zp9Tw3Nb6Wq7mZ2pL\";")).containsExactly("Xk4Zp9Tw3Nb6Wq7mZ2pL");
        assertThat(found("const billingKey string = os.Getenv(\"BILLING_KEY\")")).isEmpty();
    }

    @Test
    void anIdBarTokenValueReportsTheTokenAfterTheBar() {
        assertThat(found("deploy_key: \"73|Rk8tW3zB6nK1sD5fG7hJ0aEqLm9vXp4Rk8tW3zB6\""))
                .containsExactly("Rk8tW3zB6nK1sD5fG7hJ0aEqLm9vXp4Rk8tW3zB6");
    }

    @Test
    void theFallbackOfAnEnvironmentHelperShipsWithTheCode() {
        assertThat(found("key := config.GetEnvOrDefault(\"SERVICE_API_TOKEN\", \"c41f7e92-5ab8-4d3e-8f06-2b9d7a1e6c53\")"))
                .containsExactly("c41f7e92-5ab8-4d3e-8f06-2b9d7a1e6c53");
        assertThat(found("secret = ENV.fetch('SESSION_SECRET', 'Wq7mZ2pLx9Gr4nLk91Tv')")).containsExactly("Wq7mZ2pLx9Gr4nLk91Tv");
        assertThat(found("host := config.GetEnvOrDefault(\"SERVICE_HOST\", \"api.acme.io\")")).isEmpty();
    }

    @Test
    void aResourceNamedForAKeyHoldsItsValue() {
        assertThat(found("<string name=\"crash_reporter_key\">7b3e9f2a1c8d4e6f0a5b9c2d7e1f4a8b</string>"))
                .containsExactly("7b3e9f2a1c8d4e6f0a5b9c2d7e1f4a8b");
        assertThat(found("<string name=\"password_hint\">Enter your password</string>")).isEmpty();
        assertThat(found("<string name=\"maps_public_key\">7b3e9f2a1c8d4e6f0a5b9c2d7e1f4a8b</string>")).isEmpty();
    }

    @Test
    void aValueShownCutShortOrMaskedIsNotTheCredential() {
        assertThat(found("export OP_SERVICE_ACCOUNT_TOKEN=ops_eyJzaWduSW5BZGRyZXNzIjoiaHR0cHM6...")).isEmpty();
        assertThat(found("fn::secret: ops_eyJzaWduSW5BZGRyZXNzIjoi..[Redacted]")).isEmpty();
        assertThat(found("\"token4\": \"xoxp-572370529330-573807301142-572331691188-####################\"")).isEmpty();
        assertThat(found("api_secret = \"Zr4qL8mXv2Tn7Kp1Wc9s***********\"")).isEmpty();
        // the same values whole are found, and a bold one in Markdown is whole too
        assertThat(found("export OP_SERVICE_ACCOUNT_TOKEN=ops_eyJzaWduSW5BZGRyZXNzIjoiaHR0cHM6Ly9teS4xcGFzc3dvcmQuY29tIn0"))
                .hasSize(1);
        assertThat(found("the key is **sk_live_51Hq7vX2Lp9Rk4tW8zB1nK6sD3fG5hJ0aE2cVbN7mQ4w**")).hasSize(1);
    }

    @Test
    void elisionLooksOnlyNextToTheValue() {
        String text = "token = Zr4qL8mXv2Tn7Kp1Wc9s ... and more later";
        int start = text.indexOf("Zr4q");
        assertThat(ValueFilters.elided(text, start, start + 20)).isFalse();
        String cut = "token = Zr4qL8mXv2Tn7Kp1Wc9s...";
        assertThat(ValueFilters.elided(cut, start, start + 20)).isTrue();
        String sentence = "the password is Tango-Lima-4...";
        assertThat(ValueFilters.elided(sentence, 16, sentence.length())).isFalse(); // a short one ends a sentence
        String masked = "token = ****Zr4qL8mXv2Tn7Kp1Wc9s";
        assertThat(ValueFilters.elided(masked, masked.indexOf('Z'), masked.length())).isFalse();
    }

    @Test
    void aDunderNameIsATemplateSlot() {
        assertThat(ValueFilters.placeholder("__globPaths__")).isTrue();
        assertThat(ValueFilters.placeholder("__API_TOKEN__")).isTrue();
        assertThat(ValueFilters.placeholder("Zr4q__L8mXv2Tn7K")).isFalse();
        assertThat(found("val PASSWORD = \"__deployPassword__\"")).isEmpty();
    }
}
