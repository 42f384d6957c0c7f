package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.privacy.fl.net.SitePolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlNetCommandsTest {
    @TempDir
    Path dir;

    @Test
    void aSitePolicyReadsFromYamlWithSecureAggregationRequiredByDefault() throws Exception {
        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, """
                models: [logreg]
                columns: [age, income-per-year]
                max-epsilon-per-task: 1.5
                max-epsilon-total: 4
                """);
        SitePolicy p = FlNetCommands.readPolicy(file);
        assertThat(p.models()).isEqualTo(Set.of("logreg"));
        assertThat(p.columns()).isEqualTo(Set.of("age", "income-per-year"));
        assertThat(p.maxEpsilonPerTask()).isEqualTo(1.5);
        assertThat(p.maxEpsilonTotal()).isEqualTo(4.0);
        assertThat(p.requireSecureAggregation()).isTrue();
    }

    @Test
    void anUnknownPolicyKeyIsAnErrorThatNamesIt() throws Exception {
        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, "models: [logreg]\ncolumns: [a]\nmax-epsilon-per-task: 1\nmax-epsilon-total: 1\n"
                + "max-epsilon-pertask: 3\n");
        assertThatThrownBy(() -> FlNetCommands.readPolicy(file)).hasMessageContaining("unknown key 'max-epsilon-pertask'");
    }

    @Test
    void aPolicyAllowingAModelThatDoesNotExistIsRefused() throws Exception {
        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, "models: [gpt]\ncolumns: [a]\nmax-epsilon-per-task: 1\nmax-epsilon-total: 1\n");
        assertThatThrownBy(() -> FlNetCommands.readPolicy(file)).hasMessageContaining("not 'gpt'");
    }

    @Test
    void initWritesASignedRosterAndKeyDirectoriesThatServeAndJoinCanLoad() throws Exception {
        assertThat(Main.run("fl", "init", "--federation", "f1", "--sites", "a,b,c", "--out", dir.resolve("fed").toString()))
                .isZero();
        var coordinator = dev.bastion.privacy.fl.net.Identity.load(dir.resolve("fed/coordinator"));
        var roster = FlNetCommands.readRoster(dir.resolve("fed/roster.txt"), coordinator);
        assertThat(roster.sites()).extracting(s -> s.name()).containsExactly("a", "b", "c");
        assertThat(roster.coordinatorFingerprint()).isEqualTo(coordinator.fingerprint());
        var site = dev.bastion.privacy.fl.net.Identity.load(dir.resolve("fed/sites/b"));
        assertThat(roster.siteByFingerprint(site.fingerprint()).orElseThrow().id()).isEqualTo(2);
        assertThat(Files.getPosixFilePermissions(dir.resolve("fed/sites/b/tls.p12"))).containsExactlyInAnyOrder(
                java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        assertThat(Main.run("fl", "init", "--federation", "f1", "--sites", "a,b", "--out", dir.resolve("fed").toString()))
                .as("an existing federation is not overwritten").isNotZero();
    }
}
