package dev.bastion.guard.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Round eighteen (issue 14): credentials held as literals by code shapes (a getter that returns one, a test that
 * asserts a credential equals one, a method comparison), PyPI tokens of any Warehouse index, two published prefixes
 * (Adobe p8e-, Infracost ico-), and names that say their value is not real (FAKE_API_KEY, NOT_A_KEY). Every value here was made up for these tests.
 */
class CodeLiteralsPrefixesAndNotRealNamesTest {
    private static final String VALUE = "Tq8vLm2Rx7Wp4Zc9Yb3N";

    /** The blocking findings' matched text. */
    private static List<String> found(String text) {
        return SecretFindings.distinctTexts(text);
    }

    @Test
    void aGetterNamedForACredentialThatReturnsALiteralHoldsIt() {
        assertThat(found("func getBetterStackToken() string{ return \"" + VALUE + "\" }")).containsExactly(VALUE);
        assertThat(found("def get_api_key(self): return '" + VALUE + "'")).containsExactly(VALUE);
        assertThat(found("  public String getApiToken() { return \"" + VALUE + "\"; }")).containsExactly(VALUE);
        assertThat(found("public String getClientSecret() { return \"9166e8318506a30d43d7a30c76a788fc0ad57a98\"; }"))
                .containsExactly("9166e8318506a30d43d7a30c76a788fc0ad57a98");
    }

    @Test
    void aGetterThatReturnsAUrlALookupOrAPlaceholderHoldsNoCredential() {
        assertThat(found("def get_token_url(self): return \"https://auth.acme.io/token\"")).isEmpty();
        assertThat(found("public String getSecret() { return \"your-secret-here\"; }")).isEmpty();
        assertThat(found("String getTokenType() { return \"Bearer\"; }")).isEmpty();
        assertThat(found("def get_password(): return os.environ[\"DB_PASSWORD\"]")).isEmpty();
        assertThat(found("def get_name(self): return \"" + VALUE + "\"")).isEmpty(); // not named for a credential
    }

    @Test
    void anAssertionThatACredentialEqualsALiteralHoldsIt() {
        assertThat(found("assertEquals(\"" + VALUE + "\", config.getApiKey());")).containsExactly(VALUE);
        assertThat(found("self.assertEqual('" + VALUE + "', settings.SECRET_KEY)")).containsExactly(VALUE);
        assertThat(found("assertThat(app.getClientSecret(), equalTo(\"" + VALUE + "\"));")).containsExactly(VALUE);
        assertThat(found("assertThat(cfg.getToken()).isEqualTo(\"" + VALUE + "\");")).containsExactly(VALUE);
        assertThat(found("expect(settings.apiKey).toBe('" + VALUE + "');")).containsExactly(VALUE);
        assertThat(found("if (user.getPassword().equals(\"Tango-Lima-4x!\")) {")).containsExactly("Tango-Lima-4x!");
    }

    @Test
    void anAssertionOnSomethingElseOrWithAPlaceholderHoldsNoCredential() {
        assertThat(found("assertEquals(\"AES/GCM/NoPadding\", cipher.getAlgorithm());")).isEmpty();
        assertThat(found("assertThat(cfg.getTokenUrl()).isEqualTo(\"https://auth.acme.io/token\");")).isEmpty();
        assertThat(found("assertThat(user.getPassword(), equalTo(\"password123\"));")).isEmpty();
        assertThat(found("encrypt(secret, \"AES/CBC/PKCS5Padding\")")).isEmpty();
        assertThat(found("if (tokenType.equals(\"Bearer\")) {")).isEmpty();
        assertThat(found("assertEquals(\"" + VALUE + "\", user.getDisplayName());")).isEmpty();
    }

    @Test
    void aPypiTokenOfAnyWarehouseIndexIsFound() {
        String pypi = "pypi-AgEIcHlwaS5vcmcCJDk5ZjNjMWE3LTViMmQtOGY0YS02YzBlLTFiM2Q1ZjdhOWMyZQACKlszLCJxOExtMlJ2N1hrNFpwOVR3M05iNiJdXQAABiD";
        // the location "pypi.acme.io" is 12 bytes long: the byte after 02 01 is 0C, base64 AgEM
        String other = "pypi-AgEMcHlwaS5hY21lLmlvAiQ5OWYzYzFhNy01YjJkLThmNGEtNmMwZS0xYjNkNWY3YTljMmUAAipbMywicThMbTJSdjdYazRacDlUdzNOYjYiXQAABiD";
        assertThat(found("password = " + pypi)).containsExactly(pypi);
        assertThat(found("TWINE_PASSWORD=" + other)).containsExactly(other);
        assertThat(found("pypi-AgEI is how tokens begin")).isEmpty();
        assertThat(found("pypi-AgEIcHlwaS5vcmcCJDk5ZjNjMWE3")).isEmpty(); // far too short for a macaroon
    }

    @Test
    void adobeAndInfracostPrefixesAreServiceTokens() {
        assertThat(found("ADOBE_CLIENT_SECRET=p8e-Rk2VbX9mQ4tLw7Zc1Hn8Pj3Ys6Ud0Fa5")).containsExactly("p8e-Rk2VbX9mQ4tLw7Zc1Hn8Pj3Ys6Ud0Fa5");
        assertThat(found("ico-Wq5Lx8Nb2Vc7Rm4Tz1Ky9Hp3Jd6Fs0Ga")).containsExactly("ico-Wq5Lx8Nb2Vc7Rm4Tz1Ky9Hp3Jd6Fs0Ga");
        String cockroach = "CCDB1_Rk2VbX9mQ4tLw7Zc1Hn8Pj_3Ys6Ud0Fa5Ge2TWq5Lx8Nb2Vc7Rm4Tz1Ky9Hp3Jx";
        assertThat(found("COCKROACH_API_KEY=" + cockroach)).containsExactly(cockroach); // a secret part of 40
        assertThat(found(cockroach + "d")).isEmpty(); // 41: runs on
        assertThat(found("<i class=\"ico-arrow-left-circle-outline-large-icon\">")).isEmpty();
        assertThat(found("p8e-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")).isEmpty();
        assertThat(found("ico-Wq5Lx8Nb2Vc7Rm4Tz1Ky9Hp3Jd6Fs0GaXYZ")).isEmpty(); // 35 characters: runs on
    }

    @Test
    void aNameThatSaysItsValueIsNotRealIsNotACredential() {
        assertThat(found("NOT_A_KEY = \"" + VALUE + "\"")).isEmpty();
        assertThat(found("FAKE_API_KEY=" + VALUE)).isEmpty();
        assertThat(found("dummyToken: " + VALUE)).isEmpty();
        assertThat(found("\"user_not-a-uuid_token_apiKeyClientSecret\": \"" + VALUE + "\"")).isEmpty();
        assertThat(found("Not Vapid Private Key: Wz2Kp9Lm4Tc1Rb8Xn3Hd6Js0FqV7Gy5Ua2Re7Nb4Vm1")).isEmpty();
    }

    @Test
    void aValueThatSaysItIsNotAKeyIsNotACredential() {
        assertThat(found("gh-token=53d49dnotakeyata9bac57a3d86c517ded974b19")).isEmpty();
        assertThat(found("api_token = \"Rk2VbnotatokenX9mQ4tLw7Zc1Hn8\"")).isEmpty();
        assertThat(found("token = \"Xk9notary2Lm8Qv4Rt7Wp1Zc\"")).containsExactly("Xk9notary2Lm8Qv4Rt7Wp1Zc"); // notary: no marker
    }

    @Test
    void namesThatOnlyLookLikeThoseMarkersStayCredentials() {
        assertThat(found("TEST_API_KEY=" + VALUE)).containsExactly(VALUE); // test environments hold real keys
        assertThat(found("notation_key = \"" + VALUE + "\"")).containsExactly(VALUE);
        assertThat(found("resample_token: " + VALUE)).containsExactly(VALUE);
        assertThat(found("EXAMPLE_API_KEY=" + VALUE)).containsExactly(VALUE); // example names are left to the value
        assertThat(found("invalidation_token = \"" + VALUE + "\"")).containsExactly(VALUE);
        assertThat(found("Vapid Private Key: Wz2Kp9Lm4Tc1Rb8Xn3Hd6Js0FqV7Gy5Ua2Re7Nb4Vm1"))
                .containsExactly("Wz2Kp9Lm4Tc1Rb8Xn3Hd6Js0FqV7Gy5Ua2Re7Nb4Vm1");
        assertThat(found("public static String API_KEY = \"" + VALUE + "\";")).containsExactly(VALUE);
    }
}
