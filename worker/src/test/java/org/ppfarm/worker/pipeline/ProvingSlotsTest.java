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
 * with four. What proves is watched through the MSM backend, each MSM stretched by 20 ms and the prover's witness
 * MSMs not overlapped with its quotient, so the MSMs running at once are the proofs running at once.
 */
class ProvingSlotsTest {
    private static final TestCircuits.Fixture CIRCUIT = TestCircuits.assertion();

    @Test
    void oneSlotProvesConcurrentJobsOneAtATime() throws Exception {
        assertEquals(1, mostProvingAtOnce(1));
    }

    @Test
    void withAsManySlotsAsJobsTheyProveSideBySide() throws Exception {
        assertTrue(mostProvingAtOnce(4) >= 2, "four jobs, four slots: proofs overlapped");
    }

    /** Proves four jobs at once with {@code slots} proving slots; every proof verifies; the most MSMs seen at once. */
    private static int mostProvingAtOnce(int slots) throws Exception {
        Groth16Prover cpu = Groth16Prover.cpu();
        WatchedMsm msm = new WatchedMsm(cpu.msm());
        var prover = new GpuFallbackProver(null, null, new Groth16Prover(msm, cpu.ntt()).withOverlap(false), "cpu");
        ProvingPipeline pipeline = new EnginePipeline.Factory(prover, EnginePipeline.Batching.OFF, slots)
                .load(new ProvingPipeline.CircuitFiles("assert_mul", CIRCUIT.zkey(), CIRCUIT.wasm(), null));
        VerificationKey vk = VerificationKey.readJson(CIRCUIT.vkey());
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<ProvingPipeline.Output>> jobs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                byte[] input = CIRCUIT.input(i + 2).getBytes(StandardCharsets.UTF_8);
                jobs.add(threads.submit(() -> pipeline.prove(InputKind.INPUT_KIND_JSON, input)));
            }
            for (Future<ProvingPipeline.Output> f : jobs) {
                ProvingPipeline.Output out = f.get();
                assertTrue(Verifier.verify(vk, PublicSignals.parseJson(out.publicJson(), "public"), Proof.parseJson(out.proofJson(), "proof")));
            }
        } finally {
            threads.shutdownNow();
            pipeline.close();
        }
        return msm.most.get();
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
