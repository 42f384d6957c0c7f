package dev.bastion.guard.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.guard.Finding;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class SecretRulesTest {
    private static final SecretsScanner SCANNER = SecretsScanner.builtIn();

    /** The one generic test: every rule finds each of its examples and none of its counterexamples. */
    @TestFactory
    Stream<DynamicTest> everyRuleMatchesItsExamplesAndNotItsCounterexamples() {
        return SCANNER.rules().stream().flatMap(rule -> Stream.concat(
                rule.examples().stream().map(example -> DynamicTest.dynamicTest(rule.id() + " finds: " + example, () -> {
                    SecretsScanner only = new SecretsScanner(List.of(rule));
                    assertThat(only.scan(List.of(example))).as(example).isNotEmpty()
                            .allMatch(f -> f.type().equals(rule.type()));
                })),
                rule.counterexamples().stream().map(counter -> DynamicTest.dynamicTest(rule.id() + " ignores: " + counter, () -> {
                    SecretsScanner only = new SecretsScanner(List.of(rule));
                    assertThat(only.scan(List.of(counter))).as(counter).isEmpty();
                }))));
    }

    @Test
    void rulesCoverTheRequiredFamilies() {
        assertThat(SCANNER.types()).contains("AWS_ACCESS_KEY", "AWS_SECRET_KEY", "GCP_API_KEY", "GCP_SERVICE_ACCOUNT_KEY",
                "AZURE_STORAGE_KEY", "GITHUB_TOKEN", "GITLAB_TOKEN", "OPENAI_API_KEY", "ANTHROPIC_API_KEY",
                "HUGGINGFACE_TOKEN", "SLACK_TOKEN", "STRIPE_KEY", "JWT", "PRIVATE_KEY", "DATABASE_URL_PASSWORD",
                "GENERIC_SECRET");
    }

    @Test
    void findingCoversOnlyTheSecretNotItsLabel() {
        String text = "DATABASE_URL=postgres://app:s3cr3t-Pa55@db.internal:5432/app";
        List<Finding> found = SCANNER.scan(List.of(text));
        assertThat(found).singleElement().satisfies(f ->
                assertThat(text.substring(f.start(), f.end())).isEqualTo("s3cr3t-Pa55"));
    }

    @Test
    void githubChecksumRaisesTheScoreAndABrokenOneLowersIt() {
        assertThat(SecretsScanner.githubChecksumValid("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")).isTrue();
        assertThat(SecretsScanner.githubChecksumValid("ghp_Bastion0Example0Token0Abc12345343zg4")).isFalse();
        assertThat(SCANNER.scan(List.of("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")).getFirst().score()).isEqualTo(1.0);
        assertThat(SCANNER.scan(List.of("ghp_gNSWPH8prVqsUeQCtDR3zzX6hqo35u2RQPMA")).getFirst().score()).isLessThan(0.7);
    }

    @Test
    void entropyIsBitsPerCharacter() {
        assertThat(SecretsScanner.entropy("aaaa")).isZero();
        assertThat(SecretsScanner.entropy("abcd")).isEqualTo(2.0);
    }

    @Test
    void ordinaryProseHasNoFindings() {
        assertThat(SCANNER.scan(List.of("Please summarise the quarterly report and list the three main risks.",
                "My password policy requires rotation every 90 days.", "See https://example.com/docs for details."))).isEmpty();
    }

    @Test
    void largeInputRunsInLinearTime() {
        String big = "aws secret key = " + "A".repeat(1_000_000) + " password: " + "x=".repeat(200_000);
        long start = System.nanoTime();
        SCANNER.scan(List.of(big));
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(10_000);
    }

    @Test
    void informationalTypesAreReportedWithALowScoreButAreNotBlockingTypes() {
        List<dev.bastion.guard.Finding> found = SCANNER.scan(List.of("Resource: arn:aws:s3:::acme-payroll-exports/*"));
        assertThat(found).singleElement().satisfies(f -> {
            assertThat(f.type()).isEqualTo("CLOUD_RESOURCE");
            assertThat(f.score()).isEqualTo(0.3);
        });
        assertThat(SCANNER.blockingTypes()).doesNotContain("CLOUD_RESOURCE", "USERNAME", "CREDENTIAL_USAGE")
                .contains("AWS_ACCESS_KEY", "PASSWORD");
    }
}
