package dev.bastion.guard.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.guard.Finding;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Round sixteen (issue 14): Slack incoming webhooks whose workspace and channel ids are not written in upper case;
 * values read from a URL query string, which end at the next parameter; database URLs with a driver in the scheme
 * and passwords that hold '@'. Every value here was made up for these tests.
 */
class WebhookIdsAndQueryValuesTest {

    /** The blocking findings' matched text. */
    private static List<String> found(String text) {
        return SecretFindings.distinctTexts(text);
    }

    @Test
    void aSlackWebhookWithLowerCaseIdsIsStillAWebhook() {
        String hook = "https://hooks.slack.com/services/TqR8vLm2X/BwK4zNp7Q/Q8Lm2Rv7Xk4Zp9Tw3Nb6Wq7m";
        assertThat(found("SLACK_WEBHOOK: '" + hook + "'")).containsExactly(hook);
        assertThat(SecretFindings.blocking("notify = \"" + hook + "\"")).extracting(Finding::type).contains("SLACK_WEBHOOK");
    }

    @Test
    void anUpperCaseSlackWebhookIsFoundAsBefore() {
        String hook = "https://hooks.slack.com/services/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";
        assertThat(found("webhook: " + hook)).containsExactly(hook);
    }

    @Test
    void aSlackWebhookPathWithoutItsSecretOrWithPlaceholderIdsIsNotReported() {
        assertThat(found("post to https://hooks.slack.com/services/ with the team's hook")).isEmpty();
        assertThat(found("see https://hooks.slack.com/services/TeamName/BotName/ for the hook")).isEmpty();
        assertThat(found("https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX")).isEmpty();
    }

    @Test
    void aPlaceholderPasswordInAQueryStringDoesNotRunIntoTheNextParameter() {
        assertThat(found("MYSQL_DSN=\"jdbc:mysql://db-server?user=app&password=password&sql_mode=STRICT_TRANS_TABLES\"")).isEmpty();
        assertThat(found("url = \"https://api.acme.io/v1?api_key=changeme&format=json&limit=100\"")).isEmpty();
    }

    @Test
    void aRealPasswordInAQueryStringIsReportedWithoutTheNextParameter() {
        String text = "jdbc:mysql://db-server?user=app&password=Q7vX2mL9pR4tW8zB1nK6&sql_mode=STRICT_TRANS_TABLES";
        assertThat(found(text)).containsExactly("Q7vX2mL9pR4tW8zB1nK6");
    }

    @Test
    void aShortValueThatOnlyMetTheRuleByRunningOnIsNotReported() {
        assertThat(found("https://acme.io/cb?secret=Ab3x9&next_page_token_value=2")).isEmpty();
    }

    @Test
    void anAmpersandInsideAnAssignedValueStaysPartOfIt() {
        String text = "client_secret = \"Q7vX2mL9&pR4tW8zB1nK6\"";
        assertThat(found(text)).containsExactly("Q7vX2mL9&pR4tW8zB1nK6");
    }

    @Test
    void aDatabasePasswordHoldingAnAtSignIsReportedWhole() {
        assertThat(found("CONNECTION_URI=\"postgres://gis:Xk9@pL2mQ7vR@db.acme.io:5432/maps\"")).containsExactly("Xk9@pL2mQ7vR");
        assertThat(found("DATABASE_URL=mysql://app:Rt5#kW@8zQp2Lm@10.0.4.12:3306/shop")).containsExactly("Rt5#kW@8zQp2Lm");
        assertThat(found("postgres://app:s3cr3t-Pa55@db.internal:5432/app")).containsExactly("s3cr3t-Pa55");
    }

    @Test
    void aDriverInTheSchemeStillMarksADatabaseUrl() {
        assertThat(found("SQLALCHEMY_DATABASE_URI = \"mysql+pymysql://shop:Rt5kW8zQp2Lm@10.0.4.12:3306/shop\""))
                .containsExactly("Rt5kW8zQp2Lm");
        assertThat(found("engine = create_engine('postgresql+psycopg2://etl:Vb7nQ2xL9mKp@warehouse:5432/dw')"))
                .containsExactly("Vb7nQ2xL9mKp");
        assertThat(found("DATABASE_URL=postgis://gis:Hq4Lm9Tz2Wb@db.acme.io/maps")).containsExactly("Hq4Lm9Tz2Wb");
    }

    @Test
    void aDatabaseUrlWithSlotsOrALocalDefaultIsNotReported() {
        assertThat(found("postgresql+psycopg2://{user}:{password}@{host}:5432/app")).isEmpty();
        assertThat(found("mysql2://root:root@localhost/app_development")).isEmpty();
        assertThat(found("see postgres://db.internal:5432/app and mail ops@acme.io")).isEmpty();
    }

    @Test
    void queryValueEndCutsOnlyAParameterValueAtAnAmpersandThatOpensAParameterName() {
        String query = "password=password&sql_mode=STRICT";
        int start = query.indexOf('=') + 1;
        assertThat(ValueFilters.queryValueEnd(query, start, query.indexOf("=STRICT"))).isEqualTo(query.indexOf('&'));
        assertThat(ValueFilters.queryValueEnd(query, start, query.length())).isEqualTo(query.indexOf('&'));
        String notAfterEquals = "secret: Q7vX2mL9&pR4tW8zB1nK6=1";
        assertThat(ValueFilters.queryValueEnd(notAfterEquals, 8, 29)).isEqualTo(29);
        String symbolInName = "k=ab&cd!e=1";
        assertThat(ValueFilters.queryValueEnd(symbolInName, 2, symbolInName.length())).isEqualTo(symbolInName.length());
        String digitFirst = "k=abcdefgh&2x=1";
        assertThat(ValueFilters.queryValueEnd(digitFirst, 2, digitFirst.length())).isEqualTo(digitFirst.length());
        String noName = "k=abcdefgh&&x";
        assertThat(ValueFilters.queryValueEnd(noName, 2, noName.length())).isEqualTo(noName.length());
    }
}
