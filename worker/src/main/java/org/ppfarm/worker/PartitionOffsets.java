package org.ppfarm.worker;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The offsets of the jobs-topic partitions a worker owns: per partition, the offsets fetched and not yet done, and
 * what was last committed. A partition's commit point is its first offset not done (or, with none pending, the offset
 * after the last one fetched): jobs finish out of order (priorities, several provers, retries), and committing past a
 * job not done would lose it if the worker died. Not thread-safe: the intake's consumer thread owns it.
 */
final class PartitionOffsets {
    /** One partition's offsets fetched and not yet done. */
    private static final class Offsets {
        final TreeSet<Long> pending = new TreeSet<>();
        long next = -1, committed = -1;

        long commitPoint() { return pending.isEmpty() ? next : pending.first(); }
    }

    private final Map<TopicPartition, Offsets> parts = new HashMap<>();

    /** Partitions assigned to this worker: their bookkeeping starts empty. */
    void assigned(Collection<TopicPartition> tps) { tps.forEach(tp -> parts.put(tp, new Offsets())); }

    /** Partitions revoked or lost: forgotten, with whatever was pending on them. */
    void removed(Collection<TopicPartition> tps) { tps.forEach(parts::remove); }

    boolean owns(TopicPartition tp) { return parts.containsKey(tp); }

    Set<TopicPartition> partitions() { return parts.keySet(); }

    /** A record was fetched: its offset is pending until {@link #done}. */
    void fetched(TopicPartition tp, long offset) {
        Offsets o = parts.computeIfAbsent(tp, k -> new Offsets());
        o.pending.add(offset);
        o.next = Math.max(o.next, offset + 1);
    }

    /** A record's job is settled (its terminal event is durable); ignored for a partition no longer owned. */
    void done(TopicPartition tp, long offset) {
        Offsets o = parts.get(tp);
        if (o != null) o.pending.remove(offset);
    }

    /**
     * The commits that advance {@code tps} to their commit points, each recorded as committed (a later call offers a
     * partition again only once its point moves on). Empty when nothing moved.
     */
    Map<TopicPartition, OffsetAndMetadata> commits(Collection<TopicPartition> tps) {
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        for (TopicPartition tp : tps) {
            Offsets o = parts.get(tp);
            if (o == null || o.next < 0) continue;
            long point = o.commitPoint();
            if (point > o.committed) {
                commits.put(tp, new OffsetAndMetadata(point));
                o.committed = point;
            }
        }
        return commits;
    }
}
