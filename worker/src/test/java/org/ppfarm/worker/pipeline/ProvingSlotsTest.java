package org.ppfarm.worker.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.ppfarm.gpukernels.GpuFallbackProver;
import org.ppfarm.proto.v1.InputKind;
import org.ppfarm.prover.groth16.Groth16Prover;
import org.ppfarm.prover.groth16.Proof;
import org.ppfarm.prover.groth16.PublicSignals;
import org.ppfarm.prover.groth16.VerificationKey;
import org.ppfarm.prover.groth16.Verifier;
import org.ppfarm.prover.msm.MsmBackend;
import org.ppfarm.testkit.TestCircuits;

/**
 * The worker's proving slots, with real proofs of the {@code a * b === c} test circuit: four jobs at once through the
 * production pipeline prove one at a time with one slot (the others wait, their witnesses computed) and side by side
 * with four, the jobs that waited for a slot reporting how long. What proves is watched through the MSM backend, each MSM stretched by 20 ms and the prover's witness
 * MSMs not overlapped with its quotient, so the MSMs running at once are the proofs running at once.
 */
class ProvingSlotsTest {
    private static final TestCircuits.Fixture CIRCUIT = TestCircuits.assertion();

    /**
     * One slot: one proof at a time, and the jobs that queued for the slot report their wait; the last one waited at
     * least one other job's whole proof.
     */
    @Test
    void oneSlotProvesConcurrentJobsOneAtATimeAndReportsTheirWait() throws Exception {
        Run run = prove(1);
        assertEquals(1, run.mostProvingAtOnce());
        assertTrue(run.outputs().stream().filter(o -> o.proveWaitNanos() > 0).count() >= 3,
                () -> "three of four jobs queued for the slot: " + run.waitsMillis());
        long longestWait = run.outputs().stream().mapToLong(ProvingPipeline.Output::proveWaitNanos).max().orElseThrow();
        long shortestProof = run.outputs().stream().mapToLong(ProvingPipeline.Output::proveNanos).min().orElseThrow();
        assertTrue(longestWait >= shortestProof, () -> "the last job waited for a whole proof: " + run.waitsMillis());
    }

    /** As many slots as jobs: proofs overlap and no job waits for a slot (only the few instructions to take it). */
    @Test
    void withAsManySlotsAsJobsTheyProveSideBySideWithoutWaiting() throws Exception {
        Run run = prove(4);
        assertTrue(run.mostProvingAtOnce() >= 2, "four jobs, four slots: proofs overlapped");
        assertTrue(run.outputs().stream().allMatch(o -> o.proveWaitNanos() < TimeUnit.MILLISECONDS.toNanos(20)),
                () -> "a free slot is taken at once: " + run.waitsMillis());
    }

    /** Four verified proofs and the most MSMs seen at once. */
    private record Run(List<ProvingPipeline.Output> outputs, int mostProvingAtOnce) {
        List<Double> waitsMillis() { return outputs.stream().map(o -> o.proveWaitNanos() / 1e6).toList(); }
    }

    /** Proves four jobs at once with {@code slots} proving slots; every proof verifies. */
    private static Run prove(int slots) throws Exception {
        Groth16Prover cpu = Groth16Prover.cpu();
        WatchedMsm msm = new WatchedMsm(cpu.msm());
        var prover = new GpuFallbackProver(null, null, new Groth16Prover(msm, cpu.ntt()).withOverlap(false), "cpu");
        ProvingPipeline pipeline = new EnginePipeline.Factory(prover, EnginePipeline.Batching.OFF, slots)
                .load(new ProvingPipeline.CircuitFiles("assert_mul", CIRCUIT.zkey(), CIRCUIT.wasm(), null));
        VerificationKey vk = VerificationKey.readJson(CIRCUIT.vkey());
        ExecutorService threads = Executors.newFixedThreadPool(4);
        List<ProvingPipeline.Output> outputs = new ArrayList<>();
        try {
            List<Future<ProvingPipeline.Output>> jobs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                byte[] input = CIRCUIT.input(i + 2).getBytes(StandardCharsets.UTF_8);
                jobs.add(threads.submit(() -> pipeline.prove(InputKind.INPUT_KIND_JSON, input)));
            }
            for (Future<ProvingPipeline.Output> f : jobs) {
                ProvingPipeline.Output out = f.get();
                assertTrue(Verifier.verify(vk, PublicSignals.parseJson(out.publicJson(), "public"), Proof.parseJson(out.proofJson(), "proof")));
                outputs.add(out);
            }
        } finally {
            threads.shutdownNow();
            pipeline.close();
        }
        return new Run(outputs, msm.most.get());
    }

    /** The CPU's MSMs, each held 20 ms longer, counting how many run at once. */
    private static final class WatchedMsm implements MsmBackend {
        private final MsmBackend cpu;
        private final AtomicInteger running = new AtomicInteger();
        final AtomicInteger most = new AtomicInteger();

        WatchedMsm(MsmBackend cpu) { this.cpu = cpu; }

        @Override public String name() { return cpu.name(); }

        @Override public Bases prepare(Group group, MemorySegment points, int offset, int count) { return cpu.prepare(group, points, offset, count); }

        @Override
        public void msm(Bases bases, long[] scalars, long[] out) {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Thread.sleep(20);
                cpu.msm(bases, scalars, out);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                running.decrementAndGet();
            }
        }
    }
}
