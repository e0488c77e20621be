package org.ppfarm.worker;

import org.junit.jupiter.api.Test;
import org.ppfarm.proto.v1.JobEvent;
import org.ppfarm.proto.v1.ProofResult;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An offered run's terminal event leaves the worker only through the job's Kafka copy: held until the copy arrives
 * (before or after the run ends), published once by it; a run that gave up leaves the copy to be proved; no copy, no
 * event.
 */
class OfferedJobsTest {
    private final List<JobEvent> published = new ArrayList<>();

    private CompletionStage<Boolean> publish(JobEvent e) {
        published.add(e);
        return CompletableFuture.completedFuture(true);
    }

    private static JobEvent succeeded(String id) {
        return JobEvent.newBuilder().setJobId(id).setSucceeded(ProofResult.newBuilder().setProofJson("{}")).build();
    }

    @Test
    void theHeldEventIsPublishedByTheCopyWhicheverComesFirst() {
        OfferedJobs offered = new OfferedJobs();
        CompletableFuture<Boolean> early = offered.take("run-first");
        assertNull(offered.take("run-first"), "one offered run per job");
        offered.hold(early, succeeded("run-first"));
        offered.settled("run-first", early, true);
        assertTrue(published.isEmpty(), "nothing leaves before the record's Kafka copy arrives");
        assertTrue(offered.awaitingCopy("run-first"));
        assertTrue(offered.kafkaCopy("run-first", this::publish).toCompletableFuture().join());
        assertEquals(List.of(succeeded("run-first")), published);
        assertFalse(offered.awaitingCopy("run-first"));
        assertNull(offered.kafkaCopy("run-first", this::publish), "a second copy is not the offered run's");

        CompletableFuture<Boolean> late = offered.take("copy-first");
        CompletableFuture<Boolean> copy = offered.kafkaCopy("copy-first", this::publish).toCompletableFuture();
        assertFalse(copy.isDone(), "the copy waits for the run");
        offered.hold(late, succeeded("copy-first"));
        offered.settled("copy-first", late, true);
        assertTrue(copy.join());
        assertEquals(List.of(succeeded("run-first"), succeeded("copy-first")), published);
    }

    @Test
    void aRunThatGaveUpLeavesTheCopyToBeProvedAndOneWithNothingToSaySettlesIt() {
        OfferedJobs offered = new OfferedJobs();
        CompletableFuture<Boolean> gaveUp = offered.take("gave-up");
        offered.settled("gave-up", gaveUp, false);
        assertNull(offered.kafkaCopy("gave-up", this::publish), "given up: the copy is an ordinary job");

        CompletableFuture<Boolean> racing = offered.take("racing");
        CompletableFuture<Boolean> copy = offered.kafkaCopy("racing", this::publish).toCompletableFuture();
        offered.settled("racing", racing, false);
        assertFalse(copy.join(), "the copy that waited on a run that gave up is tried again");

        CompletableFuture<Boolean> skipped = offered.take("finished-already");
        offered.settled("finished-already", skipped, true);
        assertTrue(offered.kafkaCopy("finished-already", this::publish).toCompletableFuture().join());
        assertTrue(published.isEmpty());
    }
}
