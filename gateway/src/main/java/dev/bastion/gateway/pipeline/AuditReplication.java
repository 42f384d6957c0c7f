package dev.bastion.gateway.pipeline;

import java.util.concurrent.CompletableFuture;

/**
 * Where a replica of a cluster also sends its audit records, so that one sequencer can put every replica's records
 * in one tree (docs/scale-out.md, "One audit tree through Kafka"). A single node has none, and then nothing of it is
 * loaded. Implementations are thread-safe.
 */
public interface AuditReplication extends AutoCloseable {

    /**
     * Sends record {@code index} of the local audit log. Called on the log's writer thread for every durable record,
     * in index order, so it must not block: it hands the record on and returns.
     *
     * @return completes once the record is acknowledged, fails when it cannot be
     */
    CompletableFuture<Void> send(byte[] record, long index);

    /** Whether sends are expected to succeed now: false for a while after one failed, so requests fail fast. */
    boolean writable();

    @Override
    void close();
}
