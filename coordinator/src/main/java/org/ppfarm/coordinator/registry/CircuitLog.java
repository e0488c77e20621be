package org.ppfarm.coordinator.registry;

import org.ppfarm.proto.v1.CircuitRecord;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Where coordinators agree on the farm's circuits: one ordered log of registrations, which every coordinator reads
 * from its beginning and hands to its {@link CircuitRegistry} in order, so every coordinator ends up with the same
 * circuits (the first record of a name@version wins). The production log is the registry topic
 * ({@code kafka.KafkaCircuitLog}); the seam lets the registry and the submission path be tested without a broker.
 * Implementations are thread-safe.
 */
public interface CircuitLog extends AutoCloseable {

    /** Starts handing every record, from the log's beginning and in its order, to {@code sink} (one thread at a time). */
    void follow(Consumer<CircuitRecord> sink);

    /**
     * Appends a registration. Completes once the record is durable and every record up to it has been handed to the
     * sink, so the registry then knows whether it won; exceptionally when the log did not take it.
     */
    CompletableFuture<Void> append(CircuitRecord r);

    @Override
    void close();
}
