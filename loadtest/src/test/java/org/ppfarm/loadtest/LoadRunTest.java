package org.ppfarm.loadtest;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.ppfarm.client.FarmClient;

import org.ppfarm.proto.v1.Priority;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tool's own accuracy, against an in-process fake Prover ({@link FakeProver}): its schedule and its latency correction. */
class LoadRunTest {
    private static Recorder.Snapshot run(FakeProver fake, Map<String, String> settings) throws Exception {
        return started(fake, settings).snap();
    }

    /** A run's record and the measured run's start (System.nanoTime()) as the tool announced it. */
    private record Started(Recorder.Snapshot snap, long start) {}

    private static Started started(FakeProver fake, Map<String, String> settings) throws Exception {
        LoadSettings s = LoadSettings.parse(settings);
        Recorder rec = new Recorder();
        long[] started = new long[1];
        try (FarmClient client = fake.client()) {
            new LoadRun(s, client, new WeightedMix<>(List.of(FakeProver.source()), List.of(1.0)), rec).run(start -> started[0] = start, null);
        }
        return new Started(rec.snapshot(), started[0]);
    }

    @Test
    void offersTheScheduledRateWithinOnePercentOverTenSeconds() throws Exception {
        try (FakeProver fake = new FakeProver(0, 0)) {
            Recorder.Snapshot snap = run(fake, Map.of("circuit", "fake", "inputs", "fake=unused", "rate", "200", "duration", "10s",
                    "verify.sample", "0", "drain", "5s"));
            // requests actually sent during the 10 s, by the tool's clock, against the 2,000 the schedule offers
            long sentInWindow = 0;
            for (int i = 0; i < Math.min(10, snap.seconds().size()); i++) sentInWindow += snap.seconds().get(i).sent;
            assertEquals(2000, snap.offered());
            assertTrue(Math.abs(sentInWindow - 2000) <= 20, "sent in 10 s: " + sentInWindow);
            assertEquals(2000, snap.count(Recorder.SUCCEEDED));
            assertEquals(2000, fake.proves.get());
        }
    }

    @Test
    void correctedPercentilesShowAStallThatUncorrectedOnesHide() throws Exception {
        // one request in flight at a time, as a fixed-concurrency tool: during the fake's 1 s stall nothing else is
        // sent, so measured from the actual send only one request saw the stall
        try (FakeProver fake = new FakeProver(2000, 1000)) {
            Recorder.Snapshot snap = run(fake, Map.of("circuit", "fake", "inputs", "fake=unused", "rate", "100", "duration", "5s",
                    "verify.sample", "0", "max.in.flight", "1", "drain", "5s"));
            Histogram corrected = snap.stages().get("end_to_end"), uncorrected = snap.stages().get("end_to_end_uncorrected");
            assertEquals(500, corrected.getTotalCount());
            long c99 = corrected.getValueAtPercentile(99) / 1000, u99 = uncorrected.getValueAtPercentile(99) / 1000;
            assertTrue(c99 >= 800, "corrected p99 " + c99 + " ms must show the 1 s stall");
            assertTrue(u99 < 200, "uncorrected p99 " + u99 + " ms must not");
            assertTrue(uncorrected.getMaxValue() / 1000 >= 900, "the one request in the stall waited for it");
        }
    }

    /**
     * A farm of 76 jobs/s (beyond it over the last second, answers take 1 s) and an SLO of p99 < 500 ms: of steps of
     * 2 s at 32, 64 and 96 jobs/s the last fails; the refinement then tries 80 (fails) and 72 (holds), so the capacity
     * is placed at 72 jobs/s instead of the 64 the steps alone would report. The knee is sharp and each rate a few
     * requests a second from it, so the verdicts do not rest on fine timing.
     */
    @Test
    void aCapacitySearchRefinesBetweenTheLastStepThatHeldAndTheFirstThatFailed() throws Exception {
        LoadSettings s = LoadSettings.parse(Map.of("circuit", "fake", "inputs", "fake=unused", "schedule", "step", "rate", "32",
                "step.rate", "32", "step.duration", "2s", "slo", "p99<500ms", "stop.on.slo", "true",
                "refine.steps", "2", "verify.sample", "0"));
        Recorder rec = new Recorder();
        LoadRun load;
        try (FakeProver fake = FakeProver.limitedTo(76); FarmClient client = fake.client()) {
            load = new LoadRun(s, client, new WeightedMix<>(List.of(FakeProver.source()), List.of(1.0)), rec);
            load.run(start -> { }, null);
        }
        assertEquals(2, load.failedStep());
        assertEquals(List.of(80.0, 72.0), load.refined());
        Recorder.Snapshot snap = rec.snapshot();
        Report.Verdict v = Report.verdict(s, snap, new Report.RunInfo("refine", "fake", "", "", 10, "open", "prove fake", "steps", 0,
                List.of(), null, load.failedStep(), load.refined()));
        assertEquals(72.0, v.capacity());
        assertEquals(List.of(true, true, false, false, true), v.steps().stream().map(Report.Step::held).toList());
        assertEquals(List.of(false, false, false, true, true), v.steps().stream().map(Report.Step::refinement).toList());
        assertEquals(144, v.steps().get(4).offered(), 1); // 72 jobs/s for 2 s (the 145th intended a hair before 2 s)
    }

    /**
     * A farm that answers nothing for its first 1.5 s (a cold farm: the circuit compiled, the key's tables built) and
     * a warm-up of 1 s: the measured run starts once the warm-up's requests have ended, not behind their queue, so its
     * latencies are the farm's own (without the wait, its first half second would wait out the stall).
     */
    @Test
    void theMeasuredRunStartsOnceTheWarmUpsRequestsHaveEnded() throws Exception {
        try (FakeProver fake = new FakeProver(0, 1500)) {
            long before = System.nanoTime();
            Started run = started(fake, Map.of("circuit", "fake", "inputs", "fake=unused", "rate", "50", "warmup", "1s",
                    "lead.in", "0s", "duration", "2s", "verify.sample", "0", "drain", "5s"));
            Recorder.Snapshot snap = run.snap();
            assertTrue(run.start() - before >= 1_400_000_000L, "measured run started " + (run.start() - before) / 1_000_000 + " ms in");
            assertEquals(100, snap.offered());
            assertEquals(100, snap.count(Recorder.SUCCEEDED));
            long p99 = snap.stages().get("end_to_end").getValueAtPercentile(99) / 1000;
            assertTrue(p99 < 250, "p99 " + p99 + " ms: the measured run waited behind the warm-up's stall");
            assertTrue(fake.proves.get() >= 150, "warm-up requests sent too: " + fake.proves.get());
        }
    }

    /**
     * After the warm-up's settle, the lead-in offers the first rate, unrecorded, up to the measured run's start: the
     * farm receives one unbroken stream at 50 jobs/s across the lead-in and the measured run (no gap longer than a few
     * arrivals' spacing), the measured run starts a lead-in after the warm-up, and only its own 100 requests count.
     */
    @Test
    void theLeadInKeepsTheRateUpToTheMeasuredRun() throws Exception {
        try (FakeProver fake = new FakeProver(0, 0)) {
            long before = System.nanoTime(), beforeMillis = System.currentTimeMillis();
            Started run = started(fake, Map.of("circuit", "fake", "inputs", "fake=unused", "rate", "50", "warmup", "1s",
                    "lead.in", "1s", "duration", "2s", "verify.sample", "0", "drain", "5s"));
            Recorder.Snapshot snap = run.snap();
            assertTrue(run.start() - before >= 2_000_000_000L, "measured run started " + (run.start() - before) / 1_000_000 + " ms in");
            assertEquals(100, snap.offered());
            assertEquals(100, snap.count(Recorder.SUCCEEDED));
            assertTrue(fake.proves.get() >= 195, "warm-up, lead-in and measured requests: " + fake.proves.get());
            // from the lead-in's first request (1 s in) to the end, arrivals 20 ms apart: none missing
            List<Long> at = fake.received.stream().map(FakeProver.Received::atMillis).filter(t -> t - beforeMillis >= 1100).sorted().toList();
            long gap = 0;
            for (int i = 1; i < at.size(); i++) gap = Math.max(gap, at.get(i) - at.get(i - 1));
            assertTrue(gap < 120, "longest gap between requests from the lead-in on: " + gap + " ms");
            assertTrue(at.size() >= 140, "lead-in and measured requests seen: " + at.size());
        }
    }

    /**
     * {@code warmup.rate}: a warm-up of 1 s at 100 jobs/s before 2 s measured at 20 jobs/s. The farm gets the warm-up's
     * 100 requests (at the first rate it would have got 20), and only the measured run's 40 are recorded.
     */
    @Test
    void aWarmUpRunsAtItsOwnRate() throws Exception {
        try (FakeProver fake = new FakeProver(0, 0)) {
            Recorder.Snapshot snap = run(fake, Map.of("circuit", "fake", "inputs", "fake=unused", "rate", "20", "warmup", "1s",
                    "warmup.rate", "100", "lead.in", "0s", "duration", "2s", "verify.sample", "0", "drain", "5s"));
            assertEquals(40, snap.offered());
            assertEquals(40, snap.count(Recorder.SUCCEEDED));
            assertEquals(140, fake.proves.get(), 2, "warm-up and measured requests");
        }
    }

    @Test
    void sendsThePriorityMixAndEachJobsDeadlineFromItsIntendedTime() throws Exception {
        try (FakeProver fake = new FakeProver(0, 0)) {
            run(fake, Map.of("circuit", "fake", "inputs", "fake=unused", "rate", "100", "duration", "4s", "verify.sample", "0",
                    "priority", "low:1,high:3", "deadline", "5s"));
            Map<Priority, Long> byPriority = fake.received.stream()
                    .collect(Collectors.groupingBy(r -> r.request().getPriority(), Collectors.counting()));
            assertEquals(400, fake.received.size());
            assertEquals(Set.of(Priority.PRIORITY_LOW, Priority.PRIORITY_HIGH), byPriority.keySet());
            assertTrue(Math.abs(byPriority.get(Priority.PRIORITY_HIGH) - 300) <= 40, "high: " + byPriority);
            for (FakeProver.Received r : fake.received) {
                long left = r.request().getDeadline().getSeconds() * 1000 + r.request().getDeadline().getNanos() / 1_000_000 - r.atMillis();
                assertTrue(left > 4000 && left <= 5000, "deadline " + left + " ms after the request arrived");
            }
        }
    }

    @Test
    void anAbortedCampaignCountsJobsTheFarmStillHoldsAsUnfinishedNotLostAndCancelsThem() throws Exception {
        // the farm accepts every job and finishes none; the warm-up (2 s) is longer than abort.after (1 s), and the
        // abort clock starts after it, so the measured run sends requests before it stops
        try (FakeProver fake = new FakeProver(0, 0)) {
            LoadSettings s = LoadSettings.parse(Map.of("circuit", "fake", "inputs", "fake=unused", "api", "submit-watch", "rate", "10",
                    "warmup", "2s", "lead.in", "0s", "duration", "20s", "abort.after", "1s", "timeout", "30s", "verify.sample", "0"));
            Recorder rec = new Recorder();
            LoadRun load;
            try (FarmClient client = fake.client()) {
                load = new LoadRun(s, client, new WeightedMix<>(List.of(FakeProver.source()), List.of(1.0)), rec);
                load.run(start -> { }, null);
            }
            Recorder.Snapshot snap = rec.snapshot();
            assertTrue(load.abortReason() != null && load.abortReason().startsWith("nothing succeeded for 1 s"), load.abortReason());
            assertTrue(snap.offered() >= 5, "measured requests before the abort: " + snap.offered());
            assertEquals(0, snap.count(Recorder.LOST));
            assertEquals(snap.offered(), snap.count(Recorder.UNFINISHED));
            assertEquals(fake.proves.get(), fake.cancelled.get()); // warm-up jobs too: no load left behind
        }
    }
}
