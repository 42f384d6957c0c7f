package dev.bastion.guard.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.guard.Finding;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Round fifteen (issue 14): credentials passed as call arguments after the name that says what they are, written as
 * the fallback of a lookup, or sent under any Authorization scheme; vendor formats with a fixed prefix, each under
 * its own type; and values that stand in for a credential without being one (metasyntactic pairs, template slots,
 * regular expressions, names of the secret, interpolations, a call, a vendor prefix cut short). Every value here
 * was made up for these tests.
 */
class ArgumentsFallbacksAndStandInsTest {

    /** The blocking findings' matched text. */
    private static List<String> found(String text) {
        return SecretFindings.distinctTexts(text);
    }

    private static List<String> types(String text) {
        return SecretFindings.blocking(text).stream().map(Finding::type).distinct().toList();
    }

    @Test
    void aValueArgumentAfterACredentialNameIsTheCredentialInEveryLanguage() {
        assertThat(found("props.set(\"billing-key\", \"Wq7mZ2pLx9Gr4nLk91TvXk4Zp9Tw\")"))
                .containsExactly("Wq7mZ2pLx9Gr4nLk91TvXk4Zp9Tw");
        assertThat(found("map.put('upload_secret', 'b99953ef2aba21ea5f76d4d6ae3dac84');"))
                .containsExactly("b99953ef2aba21ea5f76d4d6ae3dac84");
        assertThat(found("query.Add(\"sig\", \"wlRZUbHSqE2IHtnMTcq-bDPnfaWlvZRirfxWOrGrp6Q\");"))
                .containsExactly("wlRZUbHSqE2IHtnMTcq-bDPnfaWlvZRirfxWOrGrp6Q");
        assertThat(found("setx \"DEPLOY_TOKEN\" \"4rOdBSeDPmoNO9Nlro2Wc6nV\"")).containsExactly("4rOdBSeDPmoNO9Nlro2Wc6nV");
    }

    @Test
    void anArgumentThatIsAPlaceholderALookupOrAPublicValueIsNotReported() {
        assertThat(found("props.set(\"billing-key\", \"YOUR_BILLING_KEY_GOES_HERE\")")).isEmpty();
        assertThat(found("props.set(\"cache_key\", \"user_profile_summary\")")).isEmpty();
        assertThat(found("props.set(\"maps_public_key\", \"b99953ef2aba21ea5f76d4d6ae3dac84\")")).isEmpty();
        assertThat(found("map.put(\"api_key\", System.getenv(\"API_KEY\"))")).isEmpty();
        assertThat(found("log.info(\"token\", \"received from the identity provider\")")).isEmpty();
    }

    @Test
    void theLiteralFallbackOfALookupShipsWithTheCode() {
        assertThat(found("clientSecret: process.env.SHOP_SECRET || 'b99953ef2aba21ea5f76d4d6ae3dac84',"))
                .containsExactly("b99953ef2aba21ea5f76d4d6ae3dac84");
        assertThat(found("const key = Config.ACME_API_KEY ?? \"4rOdBSeDPmoNO9Nlro2Wc6nV\";"))
                .containsExactly("4rOdBSeDPmoNO9Nlro2Wc6nV");
        assertThat(found("db_password = os.environ.get('DB_PASS') or 'Gr4nite-Lake-91'")).containsExactly("Gr4nite-Lake-91");
        assertThat(found("SECRET_KEY = env(\"SECRET_KEY\", default=\"q8&Lm2Rv7)Xk4Zp9!Tw3Nb6=Wq7mZ2pLx9Gr\")"))
                .containsExactly("q8&Lm2Rv7)Xk4Zp9!Tw3Nb6=Wq7mZ2pLx9Gr");
    }

    @Test
    void aFallbackThatIsEmptyAPlaceholderOrNotACredentialIsNotReported() {
        assertThat(found("clientSecret: process.env.SHOP_SECRET || ''")).isEmpty();
        assertThat(found("const key = Config.ACME_API_KEY ?? 'your-api-key-here';")).isEmpty();
        assertThat(found("mode = settings.mode or 'production-eu-west'")).isEmpty();
        assertThat(found("title = page.title || 'Untitled document draft'")).isEmpty();
    }

    @Test
    void anyAuthorizationSchemeCarriesItsToken() {
        assertThat(found("Authorization: BotConnector 4rOdBSeDPmoNO9Nlro2Wc6nV.wlRZUbHSqE2IHtnMTcq"))
                .containsExactly("4rOdBSeDPmoNO9Nlro2Wc6nV.wlRZUbHSqE2IHtnMTcq");
        assertThat(found("metadata = (('authorization', 'Key b99953ef2aba21ea5f76d4d6ae3dac84'),)"))
                .containsExactly("b99953ef2aba21ea5f76d4d6ae3dac84");
        assertThat(found("The Authorization header carries the token, see RFC 6750 section 2.1")).isEmpty();
        assertThat(found("Authorization: SharedAccessSignature sr=https%3a%2f%2facme.servicebus.windows.net")).isEmpty();
    }

    @Test
    void vendorFormatsWithAFixedPrefixAreReportedAsTheirOwnType() {
        assertThat(types("watcher = LolWatcher('RGAPI-30416428-81ee-e37a-6a01-293fef9e00ca')")).containsExactly("RIOT_API_KEY");
        assertThat(types("docker swarm join --token SWMTKN-1-6xs8rz3d5auetn27lxffl5u1illgcu61xrnc71ndmuwwcskx8z-4xras53zhsfeuf7s4321pba20 10.0.0.2:2377"))
                .containsExactly("DOCKER_SWARM_TOKEN");
        assertThat(types("x-rapidapi-key: 6f21e33e11mshb39af6346c00272pf5610ejsnddde4c85afac")).contains("RAPIDAPI_KEY");
        assertThat(types("rpc = \"https://mainnet.infura.io/v3/1577ca796f406b491da3c289c0d00bd5\"")).containsExactly("WEB3_PROVIDER_KEY");
        assertThat(types("server_key = \"AAAAZ1U9ueH:APA91b5TZd2WLVG8n-4CPs-rf-pb7IjWH7aWZAfHc8hxqAhdgl_7EBI6OoGVflEi5rh08put2UaR4kCp5jRnBnTWDaalr1uRfTbMuJG9CFRgdc2gRey-b-FjWPCOX_j-kZH5jKW-rElM\""))
                .contains("FIREBASE_CLOUD_MESSAGING_KEY");
        assertThat(types("put(\"ref\", \"cmVmdGtuOjAxOjE4OTM0NTYwMDA6TXlSZVdwOUF6cG85eU1TSjN3ZFIyMU1aNmg0RURaV0g\")"))
                .contains("ARTIFACTORY_TOKEN");
        assertThat(types("rpc = \"https://mainnet.infura.io/v3/YOUR-PROJECT-ID\"")).isEmpty();
        assertThat(types("AWS_SESSION_TOKEN=IQoJb3JpZ2luX2VjurwZ30R1qqWn+RceEa4aAgO/oB9kmB8QCQroG4VLzznCEHd7D/SliLHYw7xeLAXj+q6g9sVl"))
                .contains("AWS_SESSION_TOKEN");
        assertThat(types("hook = 'https://hooks.zapier.com/hooks/catch/34103154/8h50hb/'")).containsExactly("WEBHOOK_URL");
        assertThat(types("vault: b.AAAAAQeZzArjPJlGGYfDG6Nh-zixL2tRpKI6uJKcADit5mDs5A8d8fC1uXGfRetKDkAWEj2EMK2H1bGDtjl3LXinQuykDDPoD6aLLMKqWoUdRbm46Q9ET5lMBrdTZ2E6PKN1C41KpphCMilYD"))
                .containsExactly("VAULT_TOKEN");
    }

    @Test
    void valuesThatStandInForACredentialAreNotReported() {
        assertThat(found("const MQ = \"amqp://foo:bar@127.0.0.1:5672/\"")).isEmpty();
        assertThat(found("BUNDLE_GEMS__ACME__IO=username:password")).isEmpty();
        assertThat(found("BUNDLE_GEMS__ACME__IO: \"SSM:/#{stage}/GEMS_ACME_IO_TOKEN\"")).isEmpty();
        assertThat(found("pattern = \"(postgres://.*:)(.*)(@.*)\"")).isEmpty();
        assertThat(found("\"source\": r\"mysql://{user}:'{pwd}'@{host}:{port}/{db}\"")).isEmpty();
        assertThat(found("url = \"mongodb://<:username:>:<:dbpassword:>@<:dbhost:>\"")).isEmpty();
        assertThat(found("jdbc:postgresql://db:5432/app?user=app&password=DBPASSWORD")).isEmpty();
        assertThat(found("mysql -h db -u app -password '123456'")).isEmpty();
        assertThat(found("const encodedPassword = encodeURIComponent(config.DB_PASSWORD)")).isEmpty();
        assertThat(found("endpoint_secret = 'whsec_...';")).isEmpty();
        assertThat(found("\"@Microsoft.KeyVault(VaultName=acme;SecretName=Api-Key;SecretVersion=b99953ef2aba21ea5f76d4d6ae3dac84)\""))
                .isEmpty();
    }

    @Test
    void aPublishedSignatureUnderASigNameIsNotACredentialButASasSignatureIs() {
        assertThat(found("{\"signatures\":[{\"sig\":\"MGUCMQDx4rOdBSeDPmoNO9Nlro2Wc6nVwlRZUbHSqE2IHtnMTcq+bDPnfaWlvZRirfxWOrGrp6QCMBq8Lm2Rv7Xk4Zp9Tw3Nb6Wq7mZ2pLx9Gr4nLk91TvXk4Zp9Tw==\",\"keyid\":\"\"}]}"))
                .isEmpty();
        assertThat(found("'sig': 'wlRZUbHSqE2IHtnMTcq-bDPnfaWlvZRirfxWOrGrp6Q'")).containsExactly("wlRZUbHSqE2IHtnMTcq-bDPnfaWlvZRirfxWOrGrp6Q");
    }

    @Test
    void realValuesBesideTheStandInShapesAreStillReported() {
        assertThat(found("const MQ = \"amqp://svc:Wq7mZ2pLx9Gr4nLk@127.0.0.1:5672/\"")).containsExactly("Wq7mZ2pLx9Gr4nLk");
        assertThat(found("BUNDLE_GEMS__ACME__IO=deploy:Xk4Zp9Tw3Nb6Wq7m")).hasSize(1);
        assertThat(found("jdbc:postgresql://db:5432/app?user=app&password=Gr4nite-Lake-91")).hasSize(1);
    }
}
