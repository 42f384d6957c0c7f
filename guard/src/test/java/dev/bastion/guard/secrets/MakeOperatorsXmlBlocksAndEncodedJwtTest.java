package dev.bastion.guard.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.guard.Finding;
import java.util.Base64;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Round twenty-one (issue 14): assignment operators of Makefiles and PHP ({@code ?=}, {@code ::=}, {@code :::=},
 * {@code .=}), pretty-printed XML whose value stands on its own line, and a JWT encoded once more in base64. Every
 * value here was made up for these tests.
 */
class MakeOperatorsXmlBlocksAndEncodedJwtTest {
    private static final SecretsScanner SCANNER = SecretsScanner.builtIn();

    /** The blocking findings' matched text. */
    private static List<String> found(String text) {
        return SecretFindings.texts(text);
    }

    private static List<String> types(String text) {
        return SCANNER.scan(List.of(text)).stream().map(Finding::type).toList();
    }

    @Test
    void makeConditionalAndPosixAssignmentsCarryTheirValueAsEqualsDoes() {
        assertThat(found("DEPLOY_TOKEN ?= q8Lm2Rv7Xk4Zp9Tw3Nb6Hj")).containsExactly("q8Lm2Rv7Xk4Zp9Tw3Nb6Hj");
        assertThat(found("registry_token ::= \"Wq7mZ2pLx9Gr4nLk91TvRs\"")).containsExactly("Wq7mZ2pLx9Gr4nLk91TvRs");
        assertThat(found("SIGNING_SECRET :::= Xk4Zp9Tw3Nb6Wq7mZ2pLa1")).containsExactly("Xk4Zp9Tw3Nb6Wq7mZ2pLa1");
        assertThat(found("db_password ?= \"Gr4nite-Lake-91\"")).containsExactly("Gr4nite-Lake-91");
    }

    @Test
    void makeAssignmentsOfReferencesAndPlaceholdersAreNotSecrets() {
        assertThat(found("DEPLOY_TOKEN ?= $(shell cat .token)")).isEmpty();
        assertThat(found("registry_token ::= ${REGISTRY_TOKEN}")).isEmpty();
        assertThat(found("API_KEY ?= your_api_key_here")).isEmpty();
        assertThat(found("TOKEN_LENGTH ?= 32")).isEmpty();
    }

    @Test
    void aPhpConcatenatingAssignmentToASigilNameCarriesItsValue() {
        assertThat(found("$uploadToken .= \"Rk8tW3zB6nK1sD5fG7hJ0aEq\";")).containsExactly("Rk8tW3zB6nK1sD5fG7hJ0aEq");
        assertThat(found("$uploadToken .= $suffix;")).isEmpty();
        assertThat(found("$html .= \"Rk8tW3zB6nK1sD5fG7hJ0aEq\";")).isEmpty(); // no credential name
    }

    @Test
    void anXmlKeyElementWithItsValueOnTheNextLineIsReported() {
        String xml = "<settings>\n  <partnerApiKey>\n    Lm9vXp4Rk8tW3zB6nK1sD5fG\n  </partnerApiKey>\n</settings>\n";
        assertThat(found(xml)).containsExactly("Lm9vXp4Rk8tW3zB6nK1sD5fG");
        assertThat(found("<deployToken>\r\n\tWq7mZ2pLx9Gr4nLk91Tv\r\n</deployToken>")).containsExactly("Wq7mZ2pLx9Gr4nLk91Tv");
    }

    @Test
    void anXmlKeyElementBlockOfANameOrAReferenceIsNot() {
        assertThat(found("<partitionKey>\n    customerRegionCode\n</partitionKey>")).isEmpty();
        assertThat(found("<apiKey>\n    ${env.PARTNER_API_KEY}\n</apiKey>")).isEmpty();
        assertThat(found("<apiKey>\n    Lm9vXp4Rk8tW3zB6nK1sD5fG\n    Xk4Zp9Tw3Nb6Wq7mZ2pLa1\n</apiKey>")).isEmpty(); // not one value
        // a value that is not alone on its line is prose, not the element's value
        assertThat(found("<apiKey>\n    see Lm9vXp4Rk8tW3zB6nK1sD5fG in the vault\n</apiKey>")).isEmpty();
    }

    @Test
    void aJwtEncodedInBase64IsAJwt() {
        String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvcmRlcnMiLCJpYXQiOjE3MDAwMDAwMDB9.c2lnbmF0dXJlLW1hZGUtdXAtZm9yLXRlc3Rz";
        String encoded = Base64.getEncoder().encodeToString(jwt.getBytes(StandardCharsets.US_ASCII));
        assertThat(encoded).startsWith("ZXlK");
        assertThat(found("AUTH_BLOB=" + encoded)).containsExactly(encoded);
        assertThat(types("AUTH_BLOB=" + encoded)).contains("JWT");
        // without its padding, as it is often written
        String bare = encoded.replace("=", "");
        assertThat(ValueFilters.base64Jwt(bare)).isTrue();
    }

    @Test
    void base64ThatDoesNotDecodeToAJwtIsNotOne() {
        String headerOnly = Base64.getEncoder().encodeToString(
                "eyJhbGciOiJIUzI1NiJ9 and then some words that are not a token".getBytes(StandardCharsets.US_ASCII));
        assertThat(headerOnly).startsWith("ZXlK");
        assertThat(ValueFilters.base64Jwt(headerOnly)).isFalse();
        assertThat(found("blob: " + headerOnly)).isEmpty();
        String fourParts = Base64.getEncoder().encodeToString(
                "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0x.c2ln.ZXh0cmE".getBytes(StandardCharsets.US_ASCII));
        assertThat(ValueFilters.base64Jwt(fourParts)).isFalse();
        String payloadNotJson = Base64.getEncoder().encodeToString(
                "eyJhbGciOiJub25lIn0.cGF5bG9hZC1ub3QtanNvbg.c2lnbmF0dXJl".getBytes(StandardCharsets.US_ASCII));
        assertThat(ValueFilters.base64Jwt(payloadNotJson)).isFalse();
        assertThat(ValueFilters.base64Jwt("ZXlK!!!")).isFalse();
    }
}
