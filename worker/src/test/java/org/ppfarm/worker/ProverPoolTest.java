package org.ppfarm.worker;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The prover pool's order (priority, then arrival), its idleness, and in-flight jobs until their events are durable. */
class ProverPoolTest {
    final List<String> ran = Collections.synchronizedList(new ArrayList<>());
    final List<String> ended = Collections.synchronizedList(new ArrayList<>());
    ProverPool pool;

    static ConsumerRecord<String, byte[]> record(String jobId, long offset) {
        return new ConsumerRecord<>("p.jobs.normal", 0, offset, jobId, new byte[0]);
    }

    ProverPool pool(int threads, ProverPool.Runner runner) { return pool(threads, threads, runner); }

    ProverPool pool(int threads, int provingSlots, ProverPool.Runner runner) {
        pool = new ProverPool("w", threads, provingSlots, runner, new ProverPool.Listener() {
            @Override public void ended(ProverPool.Pending job, boolean durable) { ended.add(job.record().key() + (durable ? "" : ":given-up")); }
            @Override public void slotFreed() {}
            @Override public void idleMayHaveChanged() {}
        });
        return pool;
    }

    @AfterEach
    void stop() throws InterruptedException { if (pool != null) pool.stop(); }

    @Test
    void higherPrioritiesRunFirstThenArrivalOrder() throws Exception {
        CountDownLatch all = new CountDownLatch(5);
        ProverPool p = pool(1, (r, offered) -> { ran.add(r.key()); all.countDown(); return CompletableFuture.completedFuture(true); });
        p.add(2, record("low-1", 0), null);
        p.add(1, record("normal-1", 1), null);
        p.add(0, record("high-1", 2), null);
        p.add(1, record("normal-2", 3), null);
        p.add(0, record("high-2", 4), null);
        p.start(); // one prover takes the five queued jobs one by one
        assertTrue(all.await(10, TimeUnit.SECONDS));
        assertEquals(List.of("high-1", "high-2", "normal-1", "normal-2", "low-1"), ran);
        assertTrue(p.awaitInFlight(System.nanoTime() + TimeUnit.SECONDS.toNanos(10)));
        assertEquals(5, ended.size());
    }

    @Test
    void aJobIsInFlightUntilItsEventIsDurableAndThePoolIdleOnlyWithAFreeProverAndNothingQueued() throws Exception {
        CompletableFuture<Boolean> durable = new CompletableFuture<>();
        CountDownLatch proving = new CountDownLatch(1), release = new CountDownLatch(1);
        ProverPool p = pool(1, (r, offered) -> {
            if (r.key().equals("a")) { proving.countDown(); release.await(); return durable; }
            return CompletableFuture.completedFuture(true);
        });
        p.start();
        assertTrue(p.idle(), "a free prover and nothing queued");
        p.add(1, record("a", 0), null);
        assertTrue(proving.await(10, TimeUnit.SECONDS));
        assertFalse(p.idle(), "its only prover is proving");
        assertEquals(1, p.inFlight());
        release.countDown(); // proved: the prover is free, but the event is not yet acknowledged
        for (int i = 0; i < 200 && !p.idle(); i++) Thread.sleep(10);
        assertTrue(p.idle());
        assertEquals(1, p.inFlight(), "in flight until Kafka acknowledged the terminal event");
        assertFalse(p.awaitInFlight(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100)));
        assertEquals(List.of(), ended);
        durable.complete(true);
        assertTrue(p.awaitInFlight(System.nanoTime() + TimeUnit.SECONDS.toNanos(10)));
        assertEquals(List.of("a"), ended, "the outcome is handed over before the slot is freed");
    }

    /**
     * Two threads, one proving slot (a worker pipelining witness and proof): while one job runs, the second thread is
     * free but an offered job would wait for the slot, so the pool is not idle for offers; fetched jobs still start on
     * the spare thread.
     */
    @Test
    void withFewerProvingSlotsThanThreadsThePoolIsBusyForOffersWhileOneJobRunsYetStartsFetchedJobs() throws Exception {
        CountDownLatch aRunning = new CountDownLatch(1), bRunning = new CountDownLatch(1), release = new CountDownLatch(1);
        ProverPool p = pool(2, 1, (r, offered) -> {
            if (r.key().equals("a")) { aRunning.countDown(); release.await(); }
            if (r.key().equals("b")) { bRunning.countDown(); release.await(); }
            return CompletableFuture.completedFuture(true);
        });
        p.start();
        assertTrue(p.idle(), "nothing runs: an offered job would prove at once");
        p.add(1, record("a", 0), null);
        assertTrue(aRunning.await(10, TimeUnit.SECONDS));
        assertFalse(p.idle(), "one job holds the only proving slot: an offered job would wait for it");
        p.add(1, record("b", 1), null);
        assertTrue(bRunning.await(10, TimeUnit.SECONDS), "the spare thread still takes a fetched job (its witness overlaps the proof)");
        assertFalse(p.idle());
        release.countDown();
        assertTrue(p.awaitInFlight(System.nanoTime() + TimeUnit.SECONDS.toNanos(10)));
        for (int i = 0; i < 200 && !p.idle(); i++) Thread.sleep(10);
        assertTrue(p.idle(), "both jobs done: idle again");
    }

    @Test
    void stoppingGivesUpQueuedOffersAndLeavesQueuedFetchedJobsUnstarted() throws Exception {
        ProverPool p = pool(1, (r, offered) -> { ran.add(r.key()); return CompletableFuture.completedFuture(true); });
        p.add(1, record("fetched", 0), null);
        p.add(1, record("offered", -1), new CompletableFuture<>());
        p.stopTaking();
        assertFalse(p.idle(), "a pool that takes no jobs is never idle: no offer may be taken");
        p.start();
        assertTrue(p.awaitInFlight(System.nanoTime() + TimeUnit.SECONDS.toNanos(1)));
        p.stop();
        assertEquals(List.of(), ran, "nothing queued is started once the pool stopped taking jobs");
        assertEquals(List.of("offered:given-up"), ended, "the offered job is given up; the fetched one stays uncommitted");
        assertEquals(1, p.queued());
    }
}
