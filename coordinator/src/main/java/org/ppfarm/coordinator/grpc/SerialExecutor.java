package org.ppfarm.coordinator.grpc;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs tasks one at a time, in submission order, on a shared pool. The gRPC server runs calls on its transport
 * threads (direct executor), so a streamed call that blocks (a circuit upload writing to disk) moves its callbacks
 * here: off the event loop, yet never two at once, as a StreamObserver requires.
 */
final class SerialExecutor implements Executor {
    private final Executor pool;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    SerialExecutor(Executor pool) { this.pool = pool; }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        schedule();
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) pool.execute(this::drain);
    }

    private void drain() {
        try {
            for (Runnable t; (t = tasks.poll()) != null; ) t.run();
        } finally {
            scheduled.set(false);
            if (!tasks.isEmpty()) schedule();
        }
    }
}
