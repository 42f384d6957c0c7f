package dev.bastion.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster section: off by default, set from the file or BASTION_CLUSTER_* variables, checked at load. */
class ClusterConfigTest {
    @TempDir
    Path dir;

    private GatewayConfig load(String yaml, Map<String, String> env) throws Exception {
        Files.writeString(dir.resolve("bastion.yaml"), yaml);
        return ConfigLoader.load(Optional.empty(), dir, env, Map.of(), dir).config();
    }

    @Test
    void withoutAClusterSectionTheGatewayIsOneNode() throws Exception {
        ClusterSettings cluster = load("", Map.of()).cluster();
        assertThat(cluster.enabled()).isFalse();
        assertThat(cluster).isEqualTo(ClusterSettings.singleNode());
    }

    @Test
    void clusterKeysComeFromTheFileAndTheEnvironment() throws Exception {
        ClusterSettings cluster = load("cluster:\n  redis-url: redis://127.0.0.1:6390\n  node-id: a\n",
                Map.of("BASTION_CLUSTER_REPLICAS", "3", "BASTION_CLUSTER_LEASE_TTL", "2s",
                        "BASTION_CLUSTER_KAFKA_BOOTSTRAP", "127.0.0.1:9092")).cluster();
        assertThat(cluster.enabled()).isTrue();
        assertThat(cluster.redisUrl()).contains(URI.create("redis://127.0.0.1:6390"));
        assertThat(cluster.nodeId()).isEqualTo("a");
        assertThat(cluster.replicas()).isEqualTo(3);
        assertThat(cluster.leaseTtl()).isEqualTo(Duration.ofSeconds(2));
        assertThat(cluster.kafkaBootstrap()).contains("127.0.0.1:9092");
    }

    @Test
    void aRedisUrlWithAPasswordOrAnotherSchemeIsAStartupErrorNamingTheKey() {
        assertThatThrownBy(() -> load("cluster:\n  redis-url: redis://user:Canary7q2@127.0.0.1:6379\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cluster.redis-url")
                .hasMessageNotContaining("Canary7q2");
        assertThatThrownBy(() -> load("cluster:\n  redis-url: http://127.0.0.1:6379\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cluster.redis-url");
        assertThatThrownBy(() -> load("cluster:\n  replicas: 0\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cluster.replicas");
    }

    @Test
    void theEffectiveNodeIdDefaultsToHostAndProcess() {
        String id = ClusterSettings.singleNode().effectiveNodeId();
        assertThat(id).matches("[A-Za-z0-9._-]{1,64}").endsWith("-" + ProcessHandle.current().pid());
    }

    @Test
    void theRedisPasswordIsAReferenceToASecretAndIsPrintedAsOne() throws Exception {
        Files.writeString(dir.resolve("bastion.yaml"), "cluster:\n  redis-url: redis://127.0.0.1:6390\n"
                + "  redis-password-env: REDIS_PASSWORD\n");
        LoadedConfig loaded = ConfigLoader.load(Optional.empty(), dir, Map.of("REDIS_PASSWORD", "Canary-pw-5x"),
                Map.of(), dir);
        assertThat(loaded.config().cluster().redisPassword()).contains(new SecretRef.FromEnv("REDIS_PASSWORD"));
        assertThat(ConfigPrinter.print(loaded)).contains("cluster.redis-password-env: REDIS_PASSWORD")
                .doesNotContain("Canary-pw-5x");
    }
}
