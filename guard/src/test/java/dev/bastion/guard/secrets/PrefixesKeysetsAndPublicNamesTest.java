package dev.bastion.guard.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.guard.Finding;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Round seventeen (issue 14): vendor formats with documented prefixes (Deno, xAI, Perplexity, Elastic Cloud, Supabase,
 * Packagist, Postman collection tokens, GitHub refresh tokens), Tink keysets written as cleartext JSON, and names that
 * say a value is not a credential although the rule matched only their last word (Vapid Public Key), CAPTCHA site
 * keys, and values named encrypted. Every value here was made up for these tests.
 */
class PrefixesKeysetsAndPublicNamesTest {

    /** The blocking findings' matched text. */
    private static List<String> found(String text) {
        return SecretFindings.distinctTexts(text);
    }

    @Test
    void twoTokensOneCharacterApartAreBothFoundWhenTheTextIsScannedWhole() {
        String a = "pnu_yEUPGHD2I1bYeZJYd5bl4In6aEokTJDHt8Ja";
        String b = "pnu_Qk7Wz2Lm9Xc4Vb1Nr8Tp3Hd6Js0Fy5Ga2Ue7";
        String key = "packagist_ack_5c1e9a7f3b2d8e4a6c0f1b3d5e7a9c2e";
        String secret = "packagist_acs_4fe247dc7ccfa7ac65f0f3df35f08f46584139e12989c81092189bf631bbfeafb703b4c321c3e46e";
        // each rule closes with a boundary character it consumes; the next token opens with the same one
        assertThat(found(a + " " + b)).containsExactly(a, b);
        assertThat(found(a + "," + b + "\n" + a)).containsExactly(a, b);
        assertThat(found(key + " " + secret)).containsExactly(key, secret);
    }

    @Test
    void documentedPrefixesAreFoundWithOrWithoutAName() {
        List<String> tokens = List.of("ddp_Rk2VbX9mQ4tLw7Zc1Hn8Pj3Ys6Ud0Fa5Ge2T",
                "ddo_Wq5Lx8Nb2Vc7Rm4Tz1Ky9Hp3Jd6Fs0Ga8Ue5",
                "xai-" + "Mv4Qb8Xn2Lr7Tc1Wz5Hk9Pd3Js6Fy0Ga4Ue8Ro2Nm7Vb1Xc5Lq9Tz3Hw6Kp0Jd4Fs8Gy2Ua6Re1Nb5Vm",
                "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",
                "sb_secret_Tn4Qx8Lb2Vr7Mc1Wz5-Hk9Pd3Js6Fy0",
                "packagist_ack_5c1e9a7f3b2d8e4a6c0f1b3d5e7a9c2e",
                "PMAT-7K2QX9BM4TR1VZ6LC3HN8WP5JD",
                "ghr_Bx8Lm3Qv7Tn2Wc5Rz9Hk4Pd1Js6Fy0Ga3Ue8Ro5Nm2Vb7Xc4Lq9Tz1Hw6Kp3Jd8Fs0Gy5Ua2Re7N");
        for (String token : tokens) {
            assertThat(found(token)).as(token).containsExactly(token);
            assertThat(found("export TOKEN=\"" + token + "\"")).as(token).containsExactly(token);
        }
        String essu = "essu_" + "Vm9sQ2FybzI4TnBxN1J6NFd4OEtiM0xtNkhqOVR2MlljNVFnMVpzOFBkNEZ3N05rMkJoNlJ0OUx4M01jNVZqR3Lw4K==";
        assertThat(found(essu)).containsExactly(essu);
        assertThat(SecretFindings.blocking("ELASTIC_API_KEY=" + essu)).extracting(Finding::type).contains("SERVICE_TOKEN");
    }

    @Test
    void aPrefixAloneOrAWrongLengthOrAPlaceholderIsNotAToken() {
        assertThat(found("Deno Deploy tokens start with ddp_ or ddo_")).isEmpty();
        assertThat(found("PMAT-7K2QX9BM4TR1VZ6LC3HN8WP")).isEmpty(); // 23 characters, not 26
        assertThat(found("pplx-Hq7Ly2Vb9Xc4Nm1Tz6Rk3Wp8Jd5Fs0Ga2Ue7Qo4Nb9Vm1Xc6LZZZ")).isEmpty(); // runs on
        assertThat(found("sb_secret_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")).isEmpty();
        assertThat(found("packagist_ack_0000000000000000000000000000")).isEmpty();
        assertThat(found("blob=QmFzZTY0+ddp_Rk2VbX9mQ4tLw7Zc1Hn8Pj3Ys6Ud0Fa5Ge2T")).isEmpty(); // inside a base64 run
    }

    @Test
    void aCleartextTinkKeysetIsACryptoKeyset() {
        String keyset = "{\"primaryKeyId\":281743,\"key\":[{\"keyData\":{\"typeUrl\":"
                + "\"type.googleapis.com/google.crypto.tink.AesGcmKey\",\"value\":\"GhCw9Lq2Xv7Tn4Rb1Mz8Hk5P\","
                + "\"keyMaterialType\":\"SYMMETRIC\"},\"status\":\"ENABLED\",\"keyId\":281743,\"outputPrefixType\":\"TINK\"}]}";
        assertThat(SecretFindings.blocking(keyset)).extracting(Finding::type).contains("CRYPTO_KEYSET");
        assertThat(found(keyset)).contains("GhCw9Lq2Xv7Tn4Rb1Mz8Hk5P");
        String pretty = "{\n  \"keyData\": {\n    \"typeUrl\": \"type.googleapis.com/google.crypto.tink.EcdsaPrivateKey\",\n"
                + "    \"value\": \"EkwSBggDEAIYAhogTq8Vb2Xc7Lm4Rz1Hk9Pd3Js6\",\n    \"keyMaterialType\": \"ASYMMETRIC_PRIVATE\"\n  }\n}";
        assertThat(SecretFindings.blocking(pretty)).extracting(Finding::type).contains("CRYPTO_KEYSET");
    }

    @Test
    void aPublicOrEncryptedTinkKeysetIsNotASecret() {
        String publicKeyset = "{\"keyData\":{\"typeUrl\":\"type.googleapis.com/google.crypto.tink.EcdsaPublicKey\","
                + "\"value\":\"EkwSBggDEAIYAhogTq8Vb2Xc7Lm4Rz1Hk9Pd3Js6\",\"keyMaterialType\":\"ASYMMETRIC_PUBLIC\"}}";
        assertThat(SecretFindings.blocking(publicKeyset)).isEmpty();
        String encrypted = "{\"encryptedKeyset\":\"AVq8Lm3Tz7Rb2Xc9Hk4Pd1Js6Fy0Ga5Ue8Ro2Nm7Vb1Xc5Lq9Tz3Hw6Kp0Jd4Fs8Gy2Ua6\","
                + "\"keysetInfo\":{\"primaryKeyId\":281743}}";
        assertThat(SecretFindings.blocking(encrypted)).isEmpty();
    }

    @Test
    void aValueNamedEncryptedIsCiphertextButUnencryptedIsNot() {
        assertThat(found("encrypted_password = \"Lm3Tz7Rb2Xc9Hk4Pd1Js6Fy0\"")).isEmpty();
        assertThat(found("unencrypted_password = \"Lm3Tz7Rb2Xc9Hk4Pd1Js6Fy0\"")).containsExactly("Lm3Tz7Rb2Xc9Hk4Pd1Js6Fy0");
    }

    @Test
    void aCaptchaSiteKeyIsPublicButItsSecretKeyIsNot() {
        assertThat(found("recaptcha_site_key: 6Lc8vXQqAAAAAL3m9Tz7Rb2Xc4Hk1Pd6Js0Fy5G")).isEmpty();
        assertThat(found("hcaptchaSiteKey = \"9f3c1a7e-5b2d-8f4a-6c0e-1b3d5f7a9c2e\"")).isEmpty();
        assertThat(found("recaptcha_secret_key: 6Lc8vXQqAAAAAH7Wz2Kp9Lm4Tc1Rb8Xn3Hd6Js0F"))
                .containsExactly("6Lc8vXQqAAAAAH7Wz2Kp9Lm4Tc1Rb8Xn3Hd6Js0F");
        assertThat(found("website_key = \"Wz2Kp9Lm4Tc1Rb8Xn3Hd6Js0FqV7\"")).containsExactly("Wz2Kp9Lm4Tc1Rb8Xn3Hd6Js0FqV7");
    }

    @Test
    void wordsWrittenBeforeAKeyNameAreReadWithIt() {
        assertThat(found("Vapid Public Key: BK7Wz2Kp9Lm4Tc1Rb8Xn3Hd6Js0FqV7Gy5Ua2Re7Nb4Vm1Xc6Lq9Tz3Hw8Kp0Jd4Fs8Gy2Ua6Re1Nb5Vm9Xq3"))
                .isEmpty();
        assertThat(found("Vapid Private Key: Wz2Kp9Lm4Tc1Rb8Xn3Hd6Js0FqV7Gy5Ua2Re7Nb4Vm1"))
                .containsExactly("Wz2Kp9Lm4Tc1Rb8Xn3Hd6Js0FqV7Gy5Ua2Re7Nb4Vm1");
        assertThat(ValueFilters.nameWithWordsBefore("  Vapid Public Key: x", 15, "Key")).isEqualTo("Vapid_Public_Key");
        // round eighteen: three words, so that "Not Vapid Private Key" is read whole
        assertThat(ValueFilters.nameWithWordsBefore("z a b c Key: x", 8, "Key")).isEqualTo("a_b_c_Key");
        assertThat(ValueFilters.nameWithWordsBefore("config.Key: x", 7, "Key")).isEqualTo("Key");
        // round eighteen: reading stops at a word of code (a modifier, a declaration, a type name)
        assertThat(ValueFilters.nameWithWordsBefore("public String getApiToken() {", 14, "getApiToken")).isEqualTo("getApiToken");
        assertThat(ValueFilters.nameWithWordsBefore("  public static String API_KEY = x", 23, "API_KEY")).isEqualTo("API_KEY");
        assertThat(ValueFilters.nameWithWordsBefore("Key: x", -1, "Key")).isEqualTo("Key");
    }
}
