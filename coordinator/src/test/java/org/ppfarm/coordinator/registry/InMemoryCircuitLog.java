package org.ppfarm.coordinator.registry;

import org.ppfarm.proto.v1.CircuitRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A {@link CircuitLog} in memory, for tests without a broker: one ordered list of records, handed to every follower
 * in order (several registries may follow one log, as coordinators follow one topic). An append is handed to the
 * followers before it completes. {@link #aheadOfNextAppend} lines up a race: another coordinator's record that lands
 * just before the next append.
 */
public final class InMemoryCircuitLog implements CircuitLog {
    private final List<CircuitRecord> records = new ArrayList<>();
    private final List<Consumer<CircuitRecord>> sinks = new ArrayList<>();
    private CircuitRecord ahead;

    @Override
    public synchronized void follow(Consumer<CircuitRecord> sink) {
        records.forEach(sink);
        sinks.add(sink);
    }

    @Override
    public synchronized CompletableFuture<Void> append(CircuitRecord r) {
        if (ahead != null) {
            CircuitRecord first = ahead;
            ahead = null;
            append(first);
        }
        records.add(r);
        sinks.forEach(s -> s.accept(r));
        return CompletableFuture.completedFuture(null);
    }

    /** The next append lands after {@code r}: a registration another coordinator made a moment earlier. */
    public synchronized void aheadOfNextAppend(CircuitRecord r) { ahead = r; }

    public synchronized List<CircuitRecord> records() { return List.copyOf(records); }

    @Override
    public void close() {}
}
