package org.ppfarm.prover;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.LongAdder;

/**
 * CPU time measured by the operating system (each thread's, through {@link ThreadMXBean}), charged to the piece of
 * work it was spent on: a farm's usage is billed per job, and a proof runs on many threads at once (the caller, the
 * fork-join pools' workers running its MSM and NTT chunks, the thread running its witness MSMs), native kernels
 * included, since they run on those threads.
 *
 * <p>How: {@link #charged} runs a body with an {@link Account} current on its thread; every unit of work the body
 * hands to another thread is made with {@link #wrap} (or {@link #task}), which carries the account along and charges
 * it with the CPU its thread spends running the unit. A thread's charges nest as a stack: a unit entered on a thread
 * already charging (a fork-join worker that runs another task while it waits in a join, maybe another proof's)
 * pauses the outer charge and resumes it after, so no CPU is counted twice or to the wrong work. A unit made while no
 * account is current (a fixed-base table built in the background) pauses the charge of whatever it interrupts and
 * charges nobody. CPU spent in work not made with {@link #wrap} but run on a charging thread (another library's task
 * stolen from the common pool during a join) is charged to the account interrupted: rare, and small.
 *
 * <p>Virtual threads have no CPU time of their own (the JVM reports none), so work is handed to platform threads
 * where it is to be measured; a charge entered on a virtual thread counts nothing. Costs two clock reads per unit
 * (a unit is thousands of field operations).
 */
public final class CpuTime {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean SUPPORTED = THREADS.isCurrentThreadCpuTimeSupported();
    private static final ThreadLocal<Frame> CURRENT = new ThreadLocal<>();

    private CpuTime() {}

    /** CPU nanoseconds charged to one piece of work, from every thread that worked on it. Thread-safe. */
    public static final class Account {
        private final LongAdder nanos = new LongAdder();

        public long nanos() { return nanos.sum(); }

        void add(long n) { if (n > 0) nanos.add(n); }
    }

    /** A charge in progress on one thread: to {@code account} (null: nobody) since thread CPU {@code start}. */
    private static final class Frame {
        final Account account;
        final Frame outer;
        long start;

        Frame(Account account, Frame outer, long start) {
            this.account = account;
            this.outer = outer;
            this.start = start;
        }
    }

    /** Work that returns a value and may throw {@code E}. */
    @FunctionalInterface
    public interface Work<T, E extends Exception> {
        T run() throws E;
    }

    /** Runs {@code body} on this thread with {@code account} (null: nobody) charged for it and for the units it hands out. */
    public static <T, E extends Exception> T charged(Account account, Work<T, E> body) throws E {
        enter(account);
        try {
            return body.run();
        } finally {
            exit();
        }
    }

    /**
     * {@code unit}, charging the account current here and now (or nobody) with the CPU it spends wherever it runs.
     * The charge lands when the unit returns: whoever waits for it must wait for the wrapped unit (wrap what a
     * {@code FutureTask} runs, not the task).
     */
    public static Runnable wrap(Runnable unit) {
        Frame here = CURRENT.get();
        Account account = here == null ? null : here.account;
        return () -> charged(account, () -> {
            unit.run();
            return null;
        });
    }

    /** {@link #wrap}ped {@code unit} as a fork-join task, for a pool. */
    public static ForkJoinTask<?> task(Runnable unit) {
        return ForkJoinTask.adapt(wrap(unit));
    }

    private static void enter(Account account) {
        long now = now();
        Frame outer = CURRENT.get();
        if (outer != null) charge(outer, now);
        CURRENT.set(new Frame(account, outer, now));
    }

    private static void exit() {
        long now = now();
        Frame f = CURRENT.get();
        charge(f, now);
        if (f.outer != null) f.outer.start = now;
        if (f.outer == null) CURRENT.remove();
        else CURRENT.set(f.outer);
    }

    private static void charge(Frame f, long now) {
        if (f.account != null && f.start >= 0 && now >= 0) f.account.add(now - f.start);
    }

    /** This thread's CPU nanoseconds, or -1 where the JVM has none (a virtual thread, an unsupported platform). */
    private static long now() {
        return SUPPORTED ? THREADS.getCurrentThreadCpuTime() : -1;
    }
}
