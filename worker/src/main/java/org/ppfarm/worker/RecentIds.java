package org.ppfarm.worker;

import java.util.AbstractSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ids of the most recently finished jobs, at most {@code capacity} of them (the oldest are forgotten first).
 *
 * <p>A worker skips a fetched job the state topic already shows finished — which matters for jobs redelivered
 * after a crash or a rebalance, i.e. recent ones. Remembering every id would grow for the worker's whole life (a
 * farm proving 1,000 jobs/s adds ~100 MB an hour); forgetting an old one costs at most a wasted proof if it is
 * ever redelivered, since the coordinator keeps the first terminal state of a job and drops later ones.
 *
 * <p>Thread-safe (the state follower adds, prover threads ask).
 */
final class RecentIds extends AbstractSet<String> {
    private final Map<String, Boolean> ids;

    RecentIds(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        this.ids = new LinkedHashMap<>(16, 0.75f, false) {
            @Override protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) { return size() > capacity; }
        };
    }

    @Override public synchronized boolean add(String id) { return ids.put(id, Boolean.TRUE) == null; }

    @Override public synchronized boolean contains(Object id) { return ids.containsKey(id); }

    @Override public synchronized int size() { return ids.size(); }

    /** Not supported: the set is only added to and asked. */
    @Override public Iterator<String> iterator() { throw new UnsupportedOperationException("RecentIds is not iterable"); }
}
