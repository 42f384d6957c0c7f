package dev.bastion.guard.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.guard.Finding;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Round thirteen (issue 14): vendor formats with documented prefixes, an auth scheme inside a credential-named value,
 * hex credentials after their name (joined by a dash or dot, or under the 3.5-bit floor that suits mixed-case values),
 * and a precision fix (a URL assigned to a credential name is judged by the password inside it). Every value here was
 * generated at random for these tests.
 */
class VendorFormatsAndSchemeValuesTest {

    /** The blocking findings' matched text and type, as "TYPE value". */
    private static List<String> found(String text) {
        return SecretFindings.blocking(text).stream()
                .map((Finding f) -> f.type() + " " + text.substring(f.start(), f.end())).toList();
    }

    @Test
    void aDiscordWebhookUrlIsReportedWholeAndItsTemplateIsNot() {
        String url = "https://discord.com/api/webhooks/812609875032096175/"
                + "2AVHLVRuu8ylGHUX76NtpdyPM9GpgCSn847uDj3RRid5Y67FIcNWX6fDCO8M4Es0ePTo";
        assertThat(found("discord_hook: \"" + url + "\"")).containsExactly("WEBHOOK_URL " + url);
        assertThat(found("POST https://discord.com/api/webhooks/{webhook.id}/{webhook.token}")).isEmpty();
    }

    @Test
    void aFacebookAppTokenIsTheAppIdBarSecretAndATableRowIsNot() {
        assertThat(found("facebook 426282815217911|XWhzsGrQNk2Yf3hvtcjfIOVMvsp"))
                .containsExactly("FACEBOOK_TOKEN 426282815217911|XWhzsGrQNk2Yf3hvtcjfIOVMvsp");
        assertThat(found("| 426282815217911 | total | 12 |")).isEmpty();
        assertThat(found("426282815217911|aaaaaaaaaaaaaaaaaaaaaaaaaaa")).isEmpty(); // one letter repeated
    }

    @Test
    void shopifySecretsAreFoundInTheirAlphanumericFormToo() {
        assertThat(found("shpss_I1p2ykPGvkAfPMriJQidiGZ5QGE1p92X"))
                .containsExactly("SERVICE_TOKEN shpss_I1p2ykPGvkAfPMriJQidiGZ5QGE1p92X");
        assertThat(found("shpat_ is the prefix of Shopify admin tokens")).isEmpty();
    }

    @Test
    void documentedPrefixesFindTheirTokensWithoutAName() {
        assertThat(found("CCDB1_AqY1ds5vzH5KUbyT5kn4l2_ePpnwPpYJ9VgquzmpbuM5vsXsNZbQCt8g2boClK")).hasSize(1);
        assertThat(found("sts access key id: STS.eQapILeAf4ffLxpBx7V4aShKc"))
                .containsExactly("SERVICE_TOKEN STS.eQapILeAf4ffLxpBx7V4aShKc");
        assertThat(found("posthog = phx_ON6SirJcajwUOCLsWzCbl4LUgVTyRUZEBEkcdunMhiC")).hasSize(1);
        assertThat(found("notion = secret_7ExbSkhq88RpiMC8qa0BNmH6VFM4L2cahwfjHaE3SKv")).hasSize(1);
        assertThat(found("STS.AssumeRole returns temporary credentials")).isEmpty();
        assertThat(found("a_secret_that_is_only_a_long_snake_case_identifier_of_words")).isEmpty();
    }

    @Test
    void aBearerSchemeInsideACredentialValueReportsTheTokenAfterIt() {
        assertThat(found("chatbot_auth_token: \"Bearer rcQuJUJZp04wxucBXYxQ2XDWRmj5E38z\""))
                .containsExactly("GENERIC_SECRET rcQuJUJZp04wxucBXYxQ2XDWRmj5E38z");
        assertThat(found("auth_token: \"Bearer ${API_TOKEN}\"")).isEmpty();
        assertThat(found("token_type: \"Bearer\"")).isEmpty();
        assertThat(found("auth_header: \"Bearer your-token-goes-here-please\"")).isEmpty();
    }

    @Test
    void aUrlAssignedToACredentialNameIsJudgedByItsPasswordNotByTheName() {
        assertThat(ValueFilters.placeholder("mongodb://mongodb:mongodb@localhost:27017/database")).isTrue();
        assertThat(found("const MONGO_CREDENTIALS = \"mongodb://mongodb:mongodb@localhost:27017/database\";")).isEmpty();
        // a real password inside the URL is still found, by the URL rule, over the password only
        assertThat(found("DB_CREDENTIALS=postgres://app:Gr4nite-Lake-91@db.internal:5432/app"))
                .containsExactly("DATABASE_URL_PASSWORD Gr4nite-Lake-91");
    }
    @Test
    void aHexCredentialAfterItsNameIsFoundWithASpaceDashOrDotBetween() {
        assertThat(found("mailboxlayer SECRET c1dd6272e0aae336cdd225e04ef3b31f"))
                .containsExactly("GENERIC_SECRET c1dd6272e0aae336cdd225e04ef3b31f");
        // 3.47 bits a character: under the prose rule's 3.5, over the hex floor
        assertThat(SecretsScanner.entropy("16ce1e4c389b42d29e4c1f7f44d4f3ec")).isBetween(3.3, 3.5);
        assertThat(found("mailboxlayer SECRET 16ce1e4c389b42d29e4c1f7f44d4f3ec")).hasSize(1);
        assertThat(found("mailboxlayer SECRET 16ce1e4c389b42d29e4c1f7f44d4f3")).isEmpty(); // 30 digits: the usual floor
        assertThat(found("dd-apikey-c1dd6272e0aae336cdd225e04ef3b31f"))
                .containsExactly("GENERIC_SECRET c1dd6272e0aae336cdd225e04ef3b31f");
        assertThat(found("secret-key-rotation-policy")).isEmpty();
        assertThat(found("files/private_key f354e5fbd45e1d02253b0bc304824189d5bab2b97b426bcc34e018aa629f3a29")).isEmpty();
    }

    @Test
    void anAzureAppConfigurationConnectionStringReportsItsSecret() {
        assertThat(found("Endpoint=https://shop-prod.azconfig.io;Id=nxEP-l0-s0:7roXnvFthIeujgUTnF;"
                + "Secret=6RvWDDsg4Y+Ues1BFn9iNgbhCJSLWXvyC7nEthEhM6GP"))
                .containsExactly("AZURE_APP_CONFIG_SECRET 6RvWDDsg4Y+Ues1BFn9iNgbhCJSLWXvyC7nEthEhM6GP");
        assertThat(found("Endpoint=https://shop-prod.azconfig.io;Id=<id>;Secret=<secret>")).isEmpty();
    }
}
