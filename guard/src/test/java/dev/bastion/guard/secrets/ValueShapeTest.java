package dev.bastion.guard.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Value-shape evidence (issue 14, round 6): a name that says token or key wants a generated value, and values typed to
 * look random (a1B2c3D4..., 8888888888) are placeholders. All values here are made up for these tests.
 */
class ValueShapeTest {

    private static List<String> found(String text) {
        return SecretFindings.texts(text);
    }

    @Test
    void tokenNamesAreTokenNamesAndPasswordNamesAreNot() {
        assertThat(ValueFilters.tokenName("PINECONE_API_KEY")).isTrue();
        assertThat(ValueFilters.tokenName("accessToken")).isTrue();
        assertThat(ValueFilters.tokenName("client_secret")).isTrue();
        assertThat(ValueFilters.tokenName("AUTH_SALT")).isTrue();
        assertThat(ValueFilters.tokenName("DB_PASSWORD")).isFalse();
        assertThat(ValueFilters.tokenName("keystore_pass")).isFalse();
        assertThat(ValueFilters.tokenName("shared_secret")).isFalse(); // people choose those
        assertThat(ValueFilters.tokenName("")).isFalse();
    }

    @Test
    void aGeneratedValueHasARandomPartOfEnoughVariety() {
        assertThat(ValueFilters.generatedShape("pcsk_7Hq2Lm9XvR4tW8zB1nK6pQ3s")).isTrue();
        assertThat(ValueFilters.generatedShape("9c41e07bd2f86a35c0b7e19d4f2a68c3e5d71b09")).isTrue();
        assertThat(ValueFilters.generatedShape("qTzRbWkLmHxVpNcYdJsF")).isTrue(); // letters only, random case
        assertThat(ValueFilters.generatedShape("r+Yk|Lq-mVz!w^Ht{Pn$Jc")).isTrue(); // a salt: symbols, no digit
        assertThat(ValueFilters.generatedShape("5e0c2f9a-31d7-4b68-9e2a-7c40d1f3b8a6")).isTrue(); // a UUID key

        assertThat(ValueFilters.generatedShape("pcsk_short")).isFalse(); // a vendor prefix and a word
        assertThat(ValueFilters.generatedShape("sk_live_short")).isFalse();
        assertThat(ValueFilters.generatedShape("ucat_01DQE3")).isFalse(); // six characters after the prefix
        assertThat(ValueFilters.generatedShape("invalid-secret-format")).isFalse();
        assertThat(ValueFilters.generatedShape("AstraCS:short")).isFalse();
        assertThat(ValueFilters.generatedShape("plainMaster")).isFalse(); // camel-case words
        assertThat(ValueFilters.generatedShape("KEYKEYKEYKEYKEYKEY1")).isFalse(); // too little entropy
        assertThat(ValueFilters.generatedShape("SalesResults-1.2")).isFalse(); // words and a version
        assertThat(ValueFilters.generatedShape("OrderService_v2")).isFalse();
    }

    @Test
    void theRandomPartSkipsShortLetterPrefixesOnly() {
        assertThat(ValueFilters.randomPart("pdl_live_apikey_01kqz")).isEqualTo("01kqz");
        assertThat(ValueFilters.randomPart("r+9Yk|Lq-2m")).isEqualTo("r+9Yk|Lq-2m");
        assertThat(ValueFilters.randomPart("lsv2_sk_short")).isEqualTo("short");
        assertThat(ValueFilters.randomPart("5e0c2f9a-31d7-4b68")).isEqualTo("5e0c2f9a-31d7-4b68");
        assertThat(ValueFilters.randomPart("PSIYbVgfkbEPQoqJfzHpACTt_cKmO")).isEqualTo("PSIYbVgfkbEPQoqJfzHpACTt_cKmO");
    }

    @Test
    void valuesTypedToLookRandomArePlaceholders() {
        assertThat(ValueFilters.typedPattern("a1b2c3d4e5f6g7h8i9j0k1l2")).isTrue();
        assertThat(ValueFilters.typedPattern("aa1bb2cc3dd4ee5ff6gg7h")).isTrue();
        assertThat(ValueFilters.typedPattern("sbx-1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b")).isTrue();
        assertThat(ValueFilters.typedPattern("xoxc-8888888888-fa915")).isTrue(); // ten equal characters
        assertThat(ValueFilters.typedPattern("9c41e07bd2f86a35c0b7e19d4f2a68c3e5d71b09")).isFalse(); // hex letters
        assertThat(ValueFilters.typedPattern("q7vx2ml9pr4tw8zb1nk6")).isFalse();
    }

    @Test
    void aTokenNameWithAShortOrWordValueIsNotReported() {
        assertThat(found("PINECONE_API_KEY=pcsk_short")).isEmpty();
        assertThat(found("TABLEAU_PAT_SECRET=invalid-secret-format")).isEmpty();
        assertThat(found("UPCLOUD_TOKEN=ucat_01DQE3")).isEmpty();
        assertThat(found("ACME_CLIENT_SECRET=AC_SECRET_a1B2c3D4e5F6g7H8i9J0k1L2")).isEmpty();
        assertThat(found("PINECONE_API_KEY=pcsk_7Hq2Lm9XvR4tW8zB1nK6pQ3s")).containsExactly("pcsk_7Hq2Lm9XvR4tW8zB1nK6pQ3s");
        assertThat(found("WIDGET_TOKEN=qTzRbWkLmHxVpNcYdJsF")).containsExactly("qTzRbWkLmHxVpNcYdJsF");
    }

    @Test
    void theNameRepeatedAsItsValueIsAReference() {
        assertThat(ValueFilters.reference("Ed25519.BlindKeySignatures", "BlindKeySignatures")).isTrue();
        assertThat(ValueFilters.reference("id-Gost-KeyMeshing", "SN_id_Gost_KeyMeshing")).isTrue();
        assertThat(ValueFilters.reference("q8Lm2Rv7Xk4Zp9Tw", "signing_key")).isFalse();
    }

    @Test
    void aBlankSeparatedSettingIsReadAsNameAndValue() {
        assertThat(found("requirepass_token 9Zq4Lm2Rv7XkT8pW\nSecret Management\nPassword required\n"))
                .containsExactly("9Zq4Lm2Rv7XkT8pW");
    }

    @Test
    void aPasswordNameKeepsAChosenValue() {
        assertThat(found("DB_PASSWORD=Gr4nite-Lake-91")).containsExactly("Gr4nite-Lake-91");
        assertThat(found("SMTP_PASS=\"blue.Otter.55\"")).containsExactly("blue.Otter.55");
    }
}
