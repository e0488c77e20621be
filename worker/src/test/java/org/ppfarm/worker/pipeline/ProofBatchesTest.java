package org.ppfarm.worker.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppfarm.gpukernels.GpuFallbackProver;
import org.ppfarm.gpukernels.GpuFallbackProver.Attempt;
import org.ppfarm.proto.v1.InputKind;
import org.ppfarm.prover.format.Witness;
import org.ppfarm.prover.format.WtnsFile;
import org.ppfarm.prover.format.ZkeyFile;
import org.ppfarm.prover.groth16.Groth16Prover;
import org.ppfarm.prover.groth16.Proof;
import org.ppfarm.prover.groth16.ProvingKey;
import org.ppfarm.prover.groth16.PublicSignals;
import org.ppfarm.prover.groth16.VerificationKey;
import org.ppfarm.prover.groth16.Verifier;
import org.ppfarm.testkit.Snarkjs;
import org.ppfarm.testkit.TestCircuits;

/**
 * Batched proving in the worker, with real proofs of the {@code a * b === c} test circuit: a lone job proves at once
 * whatever the wait budget, announced jobs are proved together up to the batch size, and a batch member whose
 * witness is invalid fails alone with its own named error while the others' proofs verify one by one.
 */
class ProofBatchesTest {
    private static final TestCircuits.Fixture CIRCUIT = TestCircuits.assertion();
    private static final GpuFallbackProver PROVER = new GpuFallbackProver(null, null, Groth16Prover.cpu(), "cpu");
    /** Long enough that a batch that waited for nothing would time the test out. */
    private static final long WAIT_MS = 120_000;

    @TempDir static Path dir;
    private static ProvingKey pk;
    private static VerificationKey vk;
    /** Two valid witnesses, and the first with a private signal changed (it satisfies no constraint). */
    private static Witness good1, good2, unsatisfiable;
    private static byte[] unsatisfiableWtns;

    @BeforeAll
    static void witnesses() throws Exception {
        pk = ZkeyFile.read(CIRCUIT.zkey());
        vk = VerificationKey.readJson(CIRCUIT.vkey());
        Path w1 = wtns("1", CIRCUIT.input(1)), w2 = wtns("2", CIRCUIT.input(2));
        good1 = WtnsFile.read(w1);
        good2 = WtnsFile.read(w2);
        byte[] bytes = Files.readAllBytes(w1);
        bytes[bytes.length - 32] ^= 1;   // the last signal's lowest byte: still a field element, no longer a*b = c
        unsatisfiableWtns = bytes;
        unsatisfiable = WtnsFile.read("tampered.wtns", bytes);
    }

    @AfterAll
    static void close() { pk.close(); }

    private static Path wtns(String name, String input) throws Exception {
        Path in = Files.writeString(dir.resolve("input-" + name + ".json"), input), out = dir.resolve(name + ".wtns");
        Snarkjs.wtnsCalculate(CIRCUIT.wasm(), in, out);
        return out;
    }

    /** Batches over the real prover that record their sizes. */
    private static ProofBatches<Attempt> batches(int max, List<Integer> sizes) {
        return new ProofBatches<>(max, WAIT_MS, ws -> {
            sizes.add(ws.size());
            return PROVER.proveBatch(pk, ws);
        }, w -> PROVER.prove(pk, w));
    }

    @Test
    void aLoneJobProvesAtOnce() throws Exception {
        List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
        ProofBatches<Attempt> b = batches(4, sizes);
        long t0 = System.nanoTime();
        b.arriving();
        Attempt a = b.prove(good1);
        assertTrue(a.verified());
        assertEquals(List.of(1), sizes);
        assertTrue(System.nanoTime() - t0 < WAIT_MS * 1_000_000 / 2, "no other job was announced: the batch did not wait");
        // an announced job that leaves (its input failed) is not waited for either
        b.arriving();
        b.arriving();
        b.left();
        assertTrue(b.prove(good2).verified());
        assertEquals(List.of(1, 1), sizes);
    }

    @Test
    void announcedJobsShareBatchesAndABadMemberFailsAlone() throws Exception {
        List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
        ProofBatches<Attempt> b = batches(2, sizes);
        List<Witness> jobs = List.of(good1, unsatisfiable, good2);
        for (int i = 0; i < jobs.size(); i++) b.arriving();   // all three computing witnesses
        List<Attempt> attempts = run(jobs.size(), i -> b.prove(jobs.get(i)));
        assertEquals(List.of(2, 1), sizes.stream().sorted(Collections.reverseOrder()).toList(), "batches of at most 2, none waiting alone");
        assertTrue(attempts.get(0).verified());
        assertFalse(attempts.get(1).verified(), "the unsatisfiable witness's proof fails its own check");
        assertTrue(attempts.get(2).verified());
        for (int i : new int[] {0, 2})
            assertTrue(Verifier.verify(vk, attempts.get(i).result().publicSignals(), attempts.get(i).result().proof()));
    }

    /**
     * Through the production pipeline, four concurrent jobs: two valid, one whose input violates the circuit's
     * assertion (it fails computing its witness, before any batch), one whose .wtns does not satisfy the circuit
     * (it fails verification in its batch). Each bad job fails with its own error; the good ones' proofs verify.
     */
    @Test
    void thePipelineFailsEachBadJobAlone() throws Exception {
        var factory = new EnginePipeline.Factory(PROVER, new EnginePipeline.Batching(4, WAIT_MS));
        ProvingPipeline pipeline = factory.load(new ProvingPipeline.CircuitFiles("assert_mul", CIRCUIT.zkey(), CIRCUIT.wasm(), null));
        try {
            List<Object> outcomes = run(4, i -> {
                try {
                    return switch (i) {
                        case 0 -> pipeline.prove(InputKind.INPUT_KIND_JSON, utf8(CIRCUIT.input(3)));
                        case 1 -> pipeline.prove(InputKind.INPUT_KIND_JSON, utf8(TestCircuits.violatingInput(4)));
                        case 2 -> pipeline.prove(InputKind.INPUT_KIND_WTNS, unsatisfiableWtns.clone());
                        default -> pipeline.prove(InputKind.INPUT_KIND_JSON, utf8(CIRCUIT.input(5)));
                    };
                } catch (ProvingPipeline.JobInputException e) {
                    return e;
                }
            });
            for (int i : new int[] {0, 3}) {
                ProvingPipeline.Output out = (ProvingPipeline.Output) outcomes.get(i);
                assertTrue(Verifier.verify(vk, PublicSignals.parseJson(out.publicJson(), "public"), Proof.parseJson(out.proofJson(), "proof")), "job " + i);
            }
            String violated = ((Exception) outcomes.get(1)).getMessage(), unsat = ((Exception) outcomes.get(2)).getMessage();
            assertTrue(violated.startsWith("witness: ") && violated.contains("line"), violated);
            assertEquals("assert_mul: the witness does not satisfy the circuit (unsatisfiable witness)", unsat);
        } finally {
            pipeline.close();
        }
    }

    @FunctionalInterface
    private interface Job<T> { T run(int i) throws Exception; }

    /** Runs n jobs at once, one thread each (as a worker's prover threads), and returns their results in order. */
    private static <T> List<T> run(int n, Job<T> job) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(n);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(threads.submit(() -> job.run(index)));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) results.add(f.get());
            return results;
        } finally {
            threads.shutdownNow();
        }
    }

    private static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }
}
