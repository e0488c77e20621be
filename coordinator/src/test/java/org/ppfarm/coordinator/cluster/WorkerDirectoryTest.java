package org.ppfarm.coordinator.cluster;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.ppfarm.proto.v1.JobOffer;
import org.ppfarm.proto.v1.TopicPartitionRef;
import org.ppfarm.proto.v1.WorkerState;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Which worker gets a job offer: an idle owner of a partition of the job's topic, once per state it told. */
class WorkerDirectoryTest {
    private static final ActorTestKit kit = ActorTestKit.create();
    private final Map<String, ActorRef<JobOffer>> inboxes = new HashMap<>();
    private final WorkerDirectory directory = new WorkerDirectory(name -> inboxes.computeIfAbsent(name,
            n -> kit.<JobOffer>createTestProbe().ref()));

    @AfterAll
    static void shutdown() { kit.shutdownTestKit(); }

    private static WorkerState state(String worker, long seq, boolean idle, String topic, int... partitions) {
        WorkerState.Builder b = WorkerState.newBuilder().setWorkerId(worker).setOfferInbox("inbox-" + worker).setSeq(seq).setIdle(idle);
        for (int p : partitions) b.addPartitions(TopicPartitionRef.newBuilder().setTopic(topic).setPartition(p));
        return b.build();
    }

    @Test
    void anIdleOwnerIsClaimedOnceUntilItTellsANewerState() {
        directory.update(state("w1", 1, true, "p.jobs.normal", 2, 3), 1_000);
        assertNull(directory.claim("p.jobs.high", 1_000), "w1 owns no partition of that topic");
        WorkerDirectory.Claim c = directory.claim("p.jobs.normal", 1_000);
        assertEquals("w1", c.worker());
        assertEquals(2, c.partition());
        assertEquals(inboxes.get("inbox-w1"), c.inbox());
        assertNull(directory.claim("p.jobs.normal", 1_001), "claimed: busy until it tells a newer state");

        directory.update(state("w1", 1, true, "p.jobs.normal", 2, 3), 1_002); // a late copy of the same state
        assertNull(directory.claim("p.jobs.normal", 1_002));
        directory.update(state("w1", 2, true, "p.jobs.normal", 3), 1_003);
        assertEquals(3, directory.claim("p.jobs.normal", 1_003).partition());
    }

    @Test
    void busyAndStaleWorkersGetNoOffers() {
        directory.update(state("busy", 1, false, "p.jobs.normal", 0), 1_000);
        assertNull(directory.claim("p.jobs.normal", 1_000));
        directory.update(state("idle", 1, true, "p.jobs.normal", 1), 1_000);
        assertEquals("idle", directory.claim("p.jobs.normal", 1_000).worker());
        directory.update(state("idle", 2, true, "p.jobs.normal", 1), 1_000);
        assertEquals(2, directory.size());
        assertNull(directory.claim("p.jobs.normal", 1_000 + WorkerDirectory.STALE_MILLIS + 1), "not heard of for too long");
        assertEquals(0, directory.size());
    }
}
