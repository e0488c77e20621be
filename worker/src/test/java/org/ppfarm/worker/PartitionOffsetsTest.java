package org.ppfarm.worker;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The intake's commit points: never past a job not done, whatever order jobs finish in. */
class PartitionOffsetsTest {
    static final TopicPartition P0 = new TopicPartition("p.jobs.normal", 0);
    static final TopicPartition P1 = new TopicPartition("p.jobs.high", 1);

    final PartitionOffsets offsets = new PartitionOffsets();

    Map<TopicPartition, OffsetAndMetadata> commits() { return offsets.commits(offsets.partitions()); }

    static Map<TopicPartition, OffsetAndMetadata> at(TopicPartition tp, long offset) { return Map.of(tp, new OffsetAndMetadata(offset)); }

    @Test
    void commitPointIsTheFirstOffsetNotDoneWhenJobsFinishOutOfOrder() {
        offsets.assigned(List.of(P0));
        for (long o = 10; o < 15; o++) offsets.fetched(P0, o);
        assertEquals(at(P0, 10), commits(), "nothing done: the commit point is the first offset fetched");
        offsets.done(P0, 12);
        offsets.done(P0, 13);
        assertEquals(Map.of(), commits(), "10 is not done: nothing past it may be committed");
        offsets.done(P0, 10);
        assertEquals(at(P0, 11), commits());
        offsets.done(P0, 11);
        assertEquals(at(P0, 14), commits(), "11, 12 and 13 done: up to 14, which is still proving");
        offsets.done(P0, 14);
        assertEquals(at(P0, 15), commits(), "everything done: past the last offset fetched");
        assertEquals(Map.of(), commits(), "a point already committed is not committed again");
    }

    @Test
    void aJobTriedAgainHoldsItsPartitionBackUntilItIsDone() {
        offsets.assigned(List.of(P0, P1));
        offsets.fetched(P0, 0);
        offsets.fetched(P0, 1);
        offsets.fetched(P1, 7);
        offsets.done(P0, 1);
        offsets.done(P1, 7);
        // offset 0's event was refused by Kafka: it is queued again, not done, so P0 stays at 0 while P1 moves on
        assertEquals(Map.of(P0, new OffsetAndMetadata(0), P1, new OffsetAndMetadata(8)), commits());
        offsets.fetched(P0, 2);
        offsets.done(P0, 2);
        assertEquals(Map.of(), commits());
        offsets.done(P0, 0); // the retry settled
        assertEquals(at(P0, 3), commits());
    }

    @Test
    void onlyTheAskedPartitionsAreCommittedAndARemovedOneIsForgotten() {
        offsets.assigned(List.of(P0, P1));
        offsets.fetched(P0, 0);
        offsets.fetched(P1, 0);
        offsets.done(P0, 0);
        offsets.done(P1, 0);
        assertEquals(at(P0, 1), offsets.commits(List.of(P0)), "a revoked partition's commit covers that partition only");
        offsets.removed(List.of(P0));
        assertFalse(offsets.owns(P0));
        assertTrue(offsets.owns(P1));
        offsets.done(P0, 5); // a job of the moved partition that ends here afterwards changes nothing
        assertEquals(at(P1, 1), commits());
        offsets.assigned(List.of(P0)); // back again: its bookkeeping starts over from what the group committed
        assertEquals(Map.of(), commits());
    }
}
