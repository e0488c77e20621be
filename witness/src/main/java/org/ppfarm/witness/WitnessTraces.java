package org.ppfarm.witness;

import com.dylibso.chicory.wasm.Parser;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ppfarm.prover.format.Witness;

/**
 * One circuit's recorded witness programs ({@link WitnessTrace}), shared by every {@link WitnessCalculator} of the
 * same wasm in the process (by SHA-256), and their recording.
 *
 * <p>A program holds for the inputs that take its path; the withdraw circuit's path depends on its trees' depths and
 * on which siblings are zero, so a circuit keeps up to {@link #MAX_VARIANTS} programs. A computation that none of
 * them answers runs the wasm and then, in the same thread, records its path (~0.5 s for the commitment circuit, ~7 s
 * for the withdraw one, in the interpreter; one recording at a time in the process): the inputs, spending keys, are
 * wiped when their job ends, so no recording may outlive it. A failed computation records nothing (a refused input
 * costs no recording). Each new program must reproduce, on its own input, the witness the wasm computed, or it is
 * dropped. A circuit whose runtime {@link TraceRecorder} does not know, or whose code it
 * cannot follow, records nothing more and keeps the plain path.
 */
final class WitnessTraces {
    /** Programs kept per circuit. */
    static final int MAX_VARIANTS = 32;
    /** Circuits whose programs are shared in one process; beyond, each calculator has its own. */
    static final int SHARED = 64;
    /** Bytes of programs kept per circuit. */
    static final long MAX_BYTES = 64L << 20;
    /** One recording at a time in the process (a computation that finds one running does not record). */
    private static final java.util.concurrent.Semaphore RECORDER = new java.util.concurrent.Semaphore(1);

    private static final ConcurrentHashMap<String, WitnessTraces> BY_WASM = new ConcurrentHashMap<>();

    private final byte[] source;
    private final String name;
    private final CopyOnWriteArrayList<WitnessTrace> variants = new CopyOnWriteArrayList<>();
    private volatile String why;
    private boolean recording;
    private int recorded;

    private WitnessTraces(byte[] source, String name) {
        this.source = source;
        this.name = name;
    }

    /** The programs of the circuit {@code wasm}, shared with its other calculators in this process. */
    static WitnessTraces of(byte[] wasm, String name) {
        String key = HexFormat.of().formatHex(CircuitCache.sha256(wasm));
        WitnessTraces t = BY_WASM.get(key);
        if (t != null) return t;
        if (BY_WASM.size() >= SHARED) return new WitnessTraces(wasm, name);
        return BY_WASM.computeIfAbsent(key, k -> new WitnessTraces(wasm, name));
    }

    /** The witness from the first program whose path these inputs take (it moves to the front), or null. */
    long[] replay(CircuitInputs in) {
        for (WitnessTrace t : variants) {
            long[] w = t.replay(in);
            if (w != null) {
                if (variants.get(0) != t) {
                    synchronized (this) {
                        if (variants.remove(t)) variants.add(0, t);
                    }
                }
                return w;
            }
        }
        return null;
    }

    /**
     * After the wasm computed {@code result} for {@code inputs} that no program answered: records their path, in the
     * caller's thread (the job that found a new path pays for its recording: ~7 s of one core for the withdraw
     * circuit, ~0.5 s for the commitment one), so that nothing of the inputs outlives the computation. Nothing is
     * recorded while another recording runs in the process, or when the circuit is untraceable or has
     * {@link #MAX_VARIANTS} programs (or {@link #MAX_BYTES}).
     */
    void recordFrom(CircuitInputs inputs, Witness result, int sharedMemory, int witnessSize) {
        synchronized (this) {
            if (recording || why != null || variants.size() >= MAX_VARIANTS || bytes() >= MAX_BYTES) return;
            if (!RECORDER.tryAcquire()) return;
            recording = true;
        }
        String failed = null;
        try {
            WitnessTrace t = TraceRecorder.recognise(Parser.parse(source), name, sharedMemory, witnessSize).record(inputs);
            long[] again = t.replay(inputs);
            if (again != null && Arrays.equals(again, result.limbs())) variants.add(0, t);
            else failed = "the recorded program does not reproduce the witness";
            if (again != null) Arrays.fill(again, 0L);
        } catch (TraceRecorder.Untraceable e) {
            failed = e.getMessage();
        } catch (RuntimeException | StackOverflowError e) {
            failed = "the recording failed (" + e.getClass().getSimpleName() + ")";
        } finally {
            RECORDER.release();
            synchronized (this) {
                if (failed != null) why = failed;
                recording = false;
                recorded++;
                notifyAll();
            }
        }
    }

    /** Waits while a recording runs, or until one has run; true when there is a program. */
    synchronized boolean await(long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (recording || recorded == 0) {
            long left = (end - System.nanoTime()) / 1_000_000;
            if (left <= 0) break;
            wait(left);
        }
        return !variants.isEmpty();
    }

    /** "traced: ...", "recording", "not recorded yet" or "plain: why". */
    String status() {
        String w = why;
        if (w != null && variants.isEmpty()) return "plain: " + w;
        if (!variants.isEmpty()) {
            long ops = 0, bytes = 0;
            for (WitnessTrace t : variants) {
                ops += t.operations();
                bytes += t.bytes();
            }
            return "traced: " + variants.size() + " path" + (variants.size() == 1 ? "" : "s") + ", " + ops + " operations, "
                    + (bytes + 1023) / 1024 + " KiB" + (w != null ? "; no more: " + w : "");
        }
        synchronized (this) {
            return recording ? "recording" : "not recorded yet";
        }
    }

    private long bytes() {
        long b = 0;
        for (WitnessTrace t : variants) b += t.bytes();
        return b;
    }
}
