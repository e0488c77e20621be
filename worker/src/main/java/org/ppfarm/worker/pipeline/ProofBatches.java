package org.ppfarm.worker.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.ppfarm.prover.format.Witness;

/**
 * Groups the concurrent proofs of one circuit into batches of at most {@code max}, so the prover serves them
 * together ({@code Groth16Prover.proveBatch}). One instance per resident circuit, so a batch never mixes circuits.
 *
 * <p>How a batch forms, without holding back a lone job: a job announces itself ({@link #arriving}) before it
 * computes its witness. The first job whose witness is ready opens a batch and leads it; the leader waits for more
 * members only while other announced jobs of this circuit are still computing their witnesses (they will join in
 * milliseconds), and never longer than {@code waitMillis} after it opened the batch, or until the batch is
 * full. A job alone on its circuit therefore proves at once, as without batching. Members proved together are at
 * most the worker's concurrent jobs ({@code worker.concurrency}), since each waits on a prover thread.
 *
 * <p>Jobs of different tenants may share a batch: a batch shares the circuit's key and the cores, nothing of a
 * job's input or proof. Each member's proof is verified on its own, so a witness that does not satisfy the circuit
 * fails its own job only; witnesses that do not fit the key are refused before they join. Should the batch as a
 * whole throw, each member proves again alone ({@code single}), so no member's input can fail another's job.
 *
 * <p>Thread-safe: the worker's prover threads call it concurrently.
 *
 * @param <R> a member's outcome (the pipeline's: its verified attempt and when its batch got a proving slot)
 */
final class ProofBatches<R> {
    private final int max;
    private final long waitNanos;
    private final Proving<List<Witness>, List<R>> batch;
    private final Proving<Witness, R> single;
    private final Object lock = new Object();
    /** Jobs announced by {@link #arriving} that have neither joined a batch nor left. Guarded by lock. */
    private int arriving;
    /** The batch that takes new members, or null. Guarded by lock. */
    private Batch<R> open;

    /** Proves a batch or one witness; may wait (for the worker's proving slot, {@code EnginePipeline}) and be interrupted. */
    @FunctionalInterface
    interface Proving<T, R> {
        R apply(T t) throws InterruptedException;
    }

    private static final class Batch<R> {
        final List<Witness> members = new ArrayList<>();
        final CompletableFuture<List<R>> done = new CompletableFuture<>();
    }

    /**
     * @param max    most witnesses proved together (≥ 2; 1 is no batching, which needs no instance)
     * @param waitMillis longest a batch's leader waits for announced jobs
     * @param batch  proves and verifies a batch, one outcome per witness in order
     * @param single proves and verifies one witness (a member's retry when its batch threw)
     */
    ProofBatches(int max, long waitMillis, Proving<List<Witness>, List<R>> batch, Proving<Witness, R> single) {
        if (max < 2) throw new IllegalArgumentException("a batch needs at least 2 members, got " + max);
        this.max = max;
        this.waitNanos = TimeUnit.MILLISECONDS.toNanos(waitMillis);
        this.batch = batch;
        this.single = single;
    }

    /** A job of this circuit is computing its witness: it will call {@link #prove} or {@link #left} next. */
    void arriving() {
        synchronized (lock) { arriving++; }
    }

    /** An announced job will not prove (its input failed): leaders stop waiting for it. */
    void left() {
        synchronized (lock) {
            arriving--;
            lock.notifyAll();
        }
    }

    /** Proves an announced job's witness in a batch with whatever other jobs of the circuit are ready. */
    R prove(Witness w) throws InterruptedException {
        Batch<R> b;
        int index;
        boolean leader;
        synchronized (lock) {
            arriving--;
            leader = open == null;
            if (leader) open = new Batch<>();
            b = open;
            index = b.members.size();
            b.members.add(w);
            if (b.members.size() >= max) open = null;   // full: the next job opens a new batch
            lock.notifyAll();
        }
        if (leader) lead(b);
        try {
            return b.done.get().get(index);
        } catch (ExecutionException e) {
            return single.apply(w);   // the batch threw: no member fails for another's input
        }
    }

    /** Waits for announced members (bounded), closes the batch and proves it. */
    private void lead(Batch<R> b) throws InterruptedException {
        long deadline = System.nanoTime() + waitNanos;
        try {
            synchronized (lock) {
                while (open == b && arriving > 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) break;
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                }
                if (open == b) open = null;
            }
        } catch (InterruptedException e) {
            synchronized (lock) { if (open == b) open = null; }
            b.done.completeExceptionally(e);
            throw e;
        }
        try {
            b.done.complete(batch.apply(List.copyOf(b.members)));
        } catch (InterruptedException e) {
            b.done.completeExceptionally(e);
            throw e;
        } catch (RuntimeException | Error e) {
            b.done.completeExceptionally(e);
        }
    }
}
