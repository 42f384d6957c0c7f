package dev.bastion.gateway.config;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Replicas of one gateway behind a load balancer (keys under {@code cluster}; docs/scale-out.md). Without a
 * Redis URL and a node id none of this is used: the gateway is one node and needs no other server.
 *
 * @param redisUrl {@code redis://host:port} of the Redis server holding the shared rate limits; empty: limits are
 *     kept in this process
 * @param redisPassword where the password of Redis's {@code AUTH} (its default user, or requirepass) comes from
 * @param nodeId this replica's name in concurrency leases and logs; empty: the host name and process id
 * @param replicas how many replicas are expected; while Redis is unreachable each one enforces limit / replicas
 * @param leaseTtl how long a concurrency lease of a replica that stopped without releasing it lasts
 * @param kafkaBootstrap Kafka bootstrap servers ({@code host:port}) of the audit topic: with them each audit record
 *     is also sent to the topic before its answer completes, and usage is the audit sequencer's projection of it
 */
public record ClusterSettings(Optional<URI> redisUrl, Optional<SecretRef> redisPassword, String nodeId, int replicas, Duration leaseTtl,
        Optional<String> kafkaBootstrap) {
    /** Node ids appear in Redis member names and logs: letters, digits, '.', '_' and '-'. */
    private static final String NODE_ID = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";

    public ClusterSettings {
        Objects.requireNonNull(redisUrl, "cluster.redis-url");
        redisUrl.ifPresent(ClusterSettings::checkRedisUrl);
        Objects.requireNonNull(redisPassword, "cluster.redis-password");
        Objects.requireNonNull(nodeId, "cluster.node-id");
        if (!nodeId.isEmpty() && !nodeId.matches(NODE_ID)) {
            throw new IllegalArgumentException("cluster.node-id must be 1-64 letters, digits, '.', '_' or '-', got '"
                    + nodeId + "'");
        }
        if (replicas < 1) {
            throw new IllegalArgumentException("cluster.replicas must be at least 1, got " + replicas);
        }
        Objects.requireNonNull(leaseTtl, "cluster.lease-ttl");
        if (leaseTtl.toMillis() < 300) {
            throw new IllegalArgumentException("cluster.lease-ttl must be at least 300ms (leases are renewed every "
                    + "third of it), got " + leaseTtl);
        }
        Objects.requireNonNull(kafkaBootstrap, "cluster.kafka-bootstrap");
    }

    /** The default: one node, no shared state. */
    public static ClusterSettings singleNode() {
        return new ClusterSettings(Optional.empty(), Optional.empty(), "", 1, Duration.ofSeconds(30), Optional.empty());
    }

    /** Whether this gateway is one replica of several: a Redis URL or a node id is configured. */
    public boolean enabled() {
        return redisUrl.isPresent() || !nodeId.isEmpty();
    }

    /** The configured node id, or the host name and process id when none is. */
    public String effectiveNodeId() {
        if (!nodeId.isEmpty()) {
            return nodeId;
        }
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "node";
        }
        String id = host.replaceAll("[^A-Za-z0-9._-]", "-") + "-" + ProcessHandle.current().pid();
        return id.length() > 64 ? id.substring(id.length() - 64) : id;
    }

    private static void checkRedisUrl(URI url) {
        if (!"redis".equals(url.getScheme()) || url.getHost() == null || url.getPort() < 1) {
            throw new IllegalArgumentException("cluster.redis-url must be redis://host:port, got a URL with scheme '"
                    + url.getScheme() + "'");
        }
        if (url.getUserInfo() != null) {
            throw new IllegalArgumentException("cluster.redis-url must not hold a user or password; secrets are never "
                    + "written in the config: use cluster.redis-password-env or cluster.redis-password-file");
        }
        if (url.getPath() != null && !url.getPath().isEmpty() && !url.getPath().equals("/")) {
            throw new IllegalArgumentException("cluster.redis-url must be redis://host:port with no path");
        }
    }
}
