package org.ppfarm.worker.pipeline;

import org.ppfarm.gpukernels.GpuAvailability;
import org.ppfarm.gpukernels.GpuBackend;
import org.ppfarm.gpukernels.GpuException;
import org.ppfarm.gpukernels.GpuFallbackProver;
import org.ppfarm.proto.v1.InputKind;
import org.ppfarm.prover.CpuKernels;
import org.ppfarm.prover.CpuTime;
import org.ppfarm.prover.PpfarmException;
import org.ppfarm.prover.bn254.Field;
import org.ppfarm.prover.format.FormatException;
import org.ppfarm.prover.format.Witness;
import org.ppfarm.prover.format.WtnsFile;
import org.ppfarm.prover.format.ZkeyFile;
import org.ppfarm.prover.groth16.Groth16Prover;
import org.ppfarm.prover.groth16.ProofResult;
import org.ppfarm.prover.groth16.ProvingKey;
import org.ppfarm.prover.groth16.SolidityCalldata;
import org.ppfarm.witness.WitnessCalculator;
import org.ppfarm.witness.WitnessException;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * The production pipeline, entirely in the worker's JVM: circom's witness calculator on Chicory (module witness,
 * byte-identical to snarkjs) and ppfarm's Groth16 engine (module prover). Both are loaded once per circuit and stay
 * resident — the proving key parsed, the wasm compiled to bytecode — while each job runs on its own calculator
 * instance, whose memory is wiped when the job ends. ppfarm's verifier checks every proof against the key's
 * verification key before it leaves.
 *
 * <p>Inputs are spending keys: they never leave the process, the parsed inputs and the witness are zeroized after
 * use, and errors name the signal, never a value. Every {@link WitnessException} is deterministic for the circuit
 * and input, so it becomes a {@link JobInputException} (INVALID_ARGUMENT, not retried).
 */
public final class EnginePipeline implements ProvingPipeline {

    /**
     * How the engine proves, from the worker's configuration ({@code WorkerConfig.engineOptions()}).
     *
     * @param cpuKernels    auto, native or java: the CPU prover's inner loops ({@link CpuKernels#select})
     * @param msmTableBytes memory for resident keys' fixed-base MSM tables; 0: none
     * @param gpu           use the CUDA backend when a device is found
     * @param gpuMemoryLimit most device memory the GPU backend uses; 0: 90 % of the device
     * @param circuitCacheDir where compiled witness calculators are kept across restarts; null: compile on every load
     * @param batching      how concurrent jobs of one circuit are proved together
     * @param provingSlots  proofs (or batches) computed at once across the worker's circuits; concurrent jobs beyond
     *                      it compute their witnesses meanwhile and wait for a slot
     */
    public record Options(String cpuKernels, long msmTableBytes, boolean gpu, long gpuMemoryLimit, Path circuitCacheDir,
                          Batching batching, int provingSlots) {
        public Options {
            if (provingSlots < 1) throw new IllegalArgumentException("proving slots must be positive, got " + provingSlots);
        }

        /** Without batching, one proof at a time. */
        public Options(String cpuKernels, long msmTableBytes, boolean gpu, long gpuMemoryLimit, Path circuitCacheDir) {
            this(cpuKernels, msmTableBytes, gpu, gpuMemoryLimit, circuitCacheDir, Batching.OFF, 1);
        }

        /**
         * The defaults without fixed-base tables: for a farm that proves a few times per key (a demo, a test), where
         * building them would cost more than they save.
         */
        public static Options withoutTables() { return new Options("auto", 0, true, 0, null); }
    }

    /**
     * Batched proving ({@link ProofBatches}): up to {@code max} concurrent jobs of one circuit are proved together,
     * a batch's leader waiting at most {@code waitMillis} for jobs of the circuit still computing their witnesses.
     * {@code max} 1: every job proves alone.
     */
    public record Batching(int max, long waitMillis) {
        public static final Batching OFF = new Batching(1, 0);

        public Batching {
            if (max < 1 || waitMillis < 0) throw new IllegalArgumentException("batching: max must be >= 1 and wait >= 0, got " + max + " and " + waitMillis);
        }
    }

    /**
     * The production pipelines ({@code Worker(WorkerConfig)} uses it). Chooses the MSM/NTT backend once per worker:
     * the CUDA backend (module gpu-kernels) when {@code options.gpu()}, {@link GpuAvailability#probe()} finds a built
     * library and a device, and the device opens; else the CPU engine with the configured kernels and table budget.
     * The reason is logged and {@code ppfarm backend} prints the same probe. The GPU context lives as long as the
     * worker process (proving keys' points stay resident on it).
     *
     * <p>Its pipelines share the worker's proving slots ({@link Options#provingSlots}): one proof already keeps every
     * core (or the device) busy, so a second one at the same time only shares them, each slower, the two thrashing
     * the caches; a job that waits for a slot has computed its witness meanwhile, on the core the proof leaves idle.
     */
    public static final class Factory implements ProvingPipeline.Factory {
        private static final Logger log = LoggerFactory.getLogger(Factory.class);
        private final GpuFallbackProver prover;
        private final Path circuitCacheDir;
        private final Batching batching;
        /** Proofs computed at once, over all of this worker's circuits; fair, so jobs prove in the order they got here. */
        private final Semaphore provingSlots;

        public Factory(Options options) {
            this.circuitCacheDir = options.circuitCacheDir();
            this.batching = options.batching();
            this.provingSlots = new Semaphore(options.provingSlots(), true);
            Groth16Prover cpu = Groth16Prover.cpu(CpuKernels.select(options.cpuKernels()), options.msmTableBytes());
            String cpuName = cpu.msm().name();   // "cpu-native" (native CPU kernels) or "cpu" (the Java fallback)
            GpuBackend g = null;
            GpuAvailability gpu = options.gpu() ? GpuAvailability.probe() : null;
            if (gpu != null && gpu.available()) {
                try {
                    g = GpuBackend.open(options.gpuMemoryLimit());
                } catch (GpuException e) {
                    log.warn("a GPU was found but could not be opened ({}); proving on the CPU", e.getMessage());
                }
            } else {
                log.info("no GPU backend ({}); proving on the CPU", gpu == null ? "worker.gpu=off" : gpu.reason());
            }
            this.prover = g == null ? new GpuFallbackProver(null, null, cpu, cpuName)
                    : new GpuFallbackProver(new Groth16Prover(g, g), g.name(), cpu, cpuName);
        }

        /** For tests: pipelines proving through {@code prover} (e.g. a GPU backend on the host kernels). */
        public Factory(GpuFallbackProver prover) { this(prover, Batching.OFF); }

        /** For tests: pipelines proving through {@code prover}, batching concurrent jobs as {@code batching} says. */
        public Factory(GpuFallbackProver prover, Batching batching) { this(prover, batching, 1); }

        /** For tests: as {@link #Factory(GpuFallbackProver, Batching)}, with {@code provingSlots} proofs at once. */
        public Factory(GpuFallbackProver prover, Batching batching, int provingSlots) {
            this.prover = prover;
            this.circuitCacheDir = null;
            this.batching = batching;
            this.provingSlots = new Semaphore(provingSlots, true);
        }

        /**
         * Loads the circuit's key and witness program. Errors name the circuit, never the cache files it was loaded
         * from: job errors reach clients, and a worker's paths are none of theirs.
         */
        @Override
        public ProvingPipeline load(CircuitFiles f) throws Exception {
            ProvingKey pk;
            try {
                pk = ZkeyFile.read(f.zkey());
            } catch (FormatException e) {
                throw new FormatException(f.name() + " zkey", e.where(), problem(e));
            }
            EnginePipeline p;
            try {
                WitnessCalculator.Options options = WitnessCalculator.Options.defaults().withInputNames(KNOWN_INPUT_NAMES);
                if (circuitCacheDir != null) options = options.withCacheDir(circuitCacheDir);
                long t0 = System.nanoTime();
                WitnessCalculator calc = WitnessCalculator.load(Files.readAllBytes(f.wasm()), f.name(), options);
                log.info("{}: witness calculator loaded in {} ms ({})", f.name(), (System.nanoTime() - t0) / 1_000_000, calc.compiledFrom());
                p = new EnginePipeline(f.name(), pk, calc, prover, batching, provingSlots);
            } catch (RuntimeException | IOException e) {
                pk.close();
                throw e;
            }
            precomputeInBackground(f.name(), pk);
            return p;
        }

        /**
         * A worker proves many times with each key, so the CPU backend's fixed-base tables (CpuMsm: ~30 % less CPU
         * per withdraw proof, ~170 MB and ~22 s of CPU to build) are built right after loading, on a background
         * thread: jobs meanwhile prove on the plain path instead of one job waiting for the build. The budget
         * ({@link Options#msmTableBytes}, 0 = off) decides whether anything is built; the GPU backend keeps nothing
         * per base set.
         */
        private void precomputeInBackground(String circuit, ProvingKey pk) {
            Thread.ofPlatform().daemon().name("ppfarm-tables-" + circuit).start(() -> {
                long t0 = System.nanoTime();
                try {
                    pk.precompute(prover.primary().msm());
                    log.info("{}: MSM precomputation done in {} ms", circuit, (System.nanoTime() - t0) / 1_000_000);
                } catch (RuntimeException e) {   // the key was closed meanwhile, or the heap is short: plain path
                    log.warn("{}: MSM precomputation skipped ({})", circuit, e.toString());
                }
            });
        }

        /** The backend jobs prove on now (the CPU's after a GPU fault). */
        @Override
        public String backend() { return prover.backend(); }

        @Override
        public GpuFallbackProver prover() { return prover; }
    }

    /**
     * Input signal names the witness program is probed for (circom puts no names in the wasm, and a worker has no
     * .sym file): the production 0xbow withdraw and commitment circuits' inputs. A name is known for a circuit only
     * if its program has an input of that name, so a job missing one is told which (issue 13, finding 7).
     */
    static final List<String> KNOWN_INPUT_NAMES = List.of(
            "withdrawnValue", "stateRoot", "stateTreeDepth", "ASPRoot", "ASPTreeDepth", "context", "label", "existingValue",
            "existingNullifier", "existingSecret", "newNullifier", "newSecret", "stateSiblings", "stateIndex", "ASPSiblings",
            "ASPIndex", "value", "nullifier", "secret");

    /** A format error's problem without its source (a path), which the caller names anew. */
    private static String problem(FormatException e) {
        return e.problem().replace(e.source(), "the cached file");
    }

    private static final Logger log = LoggerFactory.getLogger(EnginePipeline.class);
    private final String name;
    private final ProvingKey pk;
    private final WitnessCalculator calculator;
    private final GpuFallbackProver prover;
    /** Null without batching. */
    private final ProofBatches<Slotted<GpuFallbackProver.Attempt>> batches;
    /** The worker's proving slots, shared by its circuits ({@link Factory}). */
    private final Semaphore provingSlots;

    private EnginePipeline(String name, ProvingKey pk, WitnessCalculator calculator, GpuFallbackProver prover, Batching batching,
                           Semaphore provingSlots) {
        this.name = name;
        this.pk = pk;
        this.calculator = calculator;
        this.prover = prover;
        this.provingSlots = provingSlots;
        this.batches = batching.max() < 2 ? null
                : new ProofBatches<>(batching.max(), batching.waitMillis(), ws -> {
                    Slotted<List<GpuFallbackProver.Attempt>> b = inSlot(() -> prover.proveBatch(pk, ws));
                    return b.value().stream().map(a -> new Slotted<>(a, b.grantedNanos())).toList();   // one grant per batch
                }, w -> inSlot(() -> prover.prove(pk, w)));
    }

    /** What was computed holding a proving slot, and when ({@link System#nanoTime()}) the slot was granted. */
    private record Slotted<T>(T value, long grantedNanos) {}

    /**
     * Proves (and verifies) holding one of the worker's proving slots, waiting for one if every slot is taken: a job
     * whose witness is ready waits here while another job's proof has the cores, and a lone job takes a free slot at
     * once.
     */
    private <T> Slotted<T> inSlot(Supplier<T> proving) throws InterruptedException {
        provingSlots.acquire();
        long granted = System.nanoTime();
        try {
            return new Slotted<>(proving.get(), granted);
        } finally {
            provingSlots.release();
        }
    }

    private Witness witness(InputKind kind, byte[] input) throws JobInputException {
        try { // a .wtns named as the coordinator names a plaintext one: a sealed one fails with the coordinator's message
            return kind == InputKind.INPUT_KIND_WTNS ? WtnsFile.read("wtns", input) : calculator.calculate(input);
        } catch (WitnessException e) {
            throw new JobInputException("witness: " + e.getMessage());
        } catch (PpfarmException e) { // a malformed .wtns
            throw new JobInputException(e.getMessage());
        }
    }

    /**
     * Proves one job. With batching on and the CPU proving (a healthy GPU proves jobs one by one), the job announces
     * itself to its circuit's {@link ProofBatches} before computing its witness and is proved in a batch with the
     * circuit's other jobs at hand; a witness that does not fit the key fails before it joins one. A proof (or batch)
     * takes one of the worker's proving slots, so a job whose witness is ready while every slot is busy waits for one;
     * that wait is in neither the witness nor the prove time but reported on its own ({@link Output#proveWaitNanos}:
     * from the witness being ready to its proof's, or its batch's, slot being granted).
     */
    @Override
    public Output prove(InputKind kind, byte[] input) throws JobInputException, InterruptedException {
        long t0 = System.nanoTime();
        ProofBatches<Slotted<GpuFallbackProver.Attempt>> batch = batches != null && !prover.healthy() ? batches : null;
        if (batch != null) batch.arriving();
        Witness w = null;
        CpuTime.Account witnessCpu = new CpuTime.Account(); // the calculator runs on this thread
        try {
            w = CpuTime.charged(witnessCpu, () -> witness(kind, input));
            Groth16Prover.checkWitness(pk, w);
        } catch (PpfarmException e) { // wrong signal count, signal 0 not 1: the input does not fit this circuit
            w.zeroize();
            w = null;
            throw new JobInputException(name + ": " + e.getMessage());
        } finally {
            if (w == null && batch != null) batch.left();   // no witness to prove: no batch waits for this job
        }
        try {
            long t1 = System.nanoTime();
            Witness ready = w;
            Slotted<GpuFallbackProver.Attempt> slotted = batch != null ? batch.prove(w) : inSlot(() -> prover.prove(pk, ready));
            GpuFallbackProver.Attempt a = slotted.value();
            if (a.gpuFault() != null)
                log.error("{}: the GPU failed ({}); proved on {} instead, and the GPU is marked unhealthy: later jobs prove on the CPU",
                        name, a.gpuFault(), a.backend());
            if (!a.verified())
                throw new JobInputException(name + ": the witness does not satisfy the circuit (unsatisfiable witness)");
            return output(a.result(), t1 - t0, Math.max(0, slotted.grantedNanos() - t1), a.proveNanos(), a.verifyNanos(),
                    witnessCpu.nanos(), a.cpuNanos());
        } finally {
            w.zeroize();
        }
    }

    /** The wire shape of a verified proof: snarkjs JSON, 32-byte big-endian elements, calldata. */
    static Output output(ProofResult r, long witnessNanos, long proveWaitNanos, long proveNanos, long verifyNanos, long witnessCpuNanos,
                         long proveCpuNanos) {
        List<byte[]> elements = new ArrayList<>(8);
        // pi_a (x, y), pi_b (x.c0, x.c1, y.c0, y.c1), pi_c (x, y): affine Montgomery limbs, 4 per coordinate
        for (long[] point : new long[][] {r.proof().a(), r.proof().b(), r.proof().c()})
            for (int i = 0; i < point.length; i += 4) elements.add(be32(Field.FQ.toBigInteger(point, i)));
        List<byte[]> signals = new ArrayList<>(r.publicSignals().size());
        for (int i = 0; i < r.publicSignals().size(); i++) signals.add(be32(r.publicSignals().get(i)));
        return new Output(r.proof().toJson(), r.publicSignals().toJson(), elements, signals,
                SolidityCalldata.format(r.proof(), r.publicSignals()), witnessNanos, proveWaitNanos, proveNanos, verifyNanos, witnessCpuNanos,
                proveCpuNanos);
    }

    /** {@code v} as 32 big-endian bytes, the wire form of a field element. */
    public static byte[] be32(BigInteger v) {
        byte[] b = v.toByteArray(), out = new byte[32];
        int n = Math.min(32, b.length);
        System.arraycopy(b, b.length - n, out, 32 - n, n);
        return out;
    }

    @Override
    public void close() { pk.close(); }
}
