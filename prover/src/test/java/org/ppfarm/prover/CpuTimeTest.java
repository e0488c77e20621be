package org.ppfarm.prover;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CPU time charged to the work it was spent on, with busy loops measured by the same OS clock: a nested charge is
 * paused out of its outer one (nothing counted twice), and units handed to other threads charge the account current
 * where they were made, not the thread that runs them.
 */
class CpuTimeTest {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    /** Spins until this thread has used {@code nanos} more CPU. */
    private static void burn(long nanos) {
        long end = THREADS.getCurrentThreadCpuTime() + nanos;
        while (THREADS.getCurrentThreadCpuTime() < end) Thread.onSpinWait();
    }

    @Test
    void aNestedChargeIsPausedOutOfTheOuterOne() {
        CpuTime.Account outer = new CpuTime.Account(), inner = new CpuTime.Account();
        CpuTime.charged(outer, () -> {
            burn(30 * MS);
            CpuTime.charged(inner, () -> {
                burn(30 * MS);
                return null;
            });
            burn(30 * MS);
            return null;
        });
        assertTrue(outer.nanos() >= 60 * MS && outer.nanos() < 75 * MS, "outer: " + outer.nanos());
        assertTrue(inner.nanos() >= 30 * MS && inner.nanos() < 45 * MS, "inner: " + inner.nanos());
    }

    @Test
    void unitsRunElsewhereChargeTheAccountTheyWereMadeUnder() throws Exception {
        CpuTime.Account account = new CpuTime.Account();
        FutureTask<Void> elsewhere = CpuTime.charged(account, () -> {
            FutureTask<Void> t = new FutureTask<>(CpuTime.wrap(() -> burn(40 * MS)), null); // charged before it completes
            Thread.ofPlatform().start(t);
            t.get();
            return t;
        });
        assertTrue(elsewhere.isDone());
        assertTrue(account.nanos() >= 40 * MS, "another thread's CPU charged: " + account.nanos());
        // a unit made under no account charges nobody, even run inside a charge, and pauses that charge meanwhile
        Runnable nobodys = CpuTime.wrap(() -> burn(40 * MS));
        CpuTime.Account host = new CpuTime.Account();
        CpuTime.charged(host, () -> {
            nobodys.run();
            return null;
        });
        assertTrue(host.nanos() < 10 * MS, "the unit's CPU charged to the charge it ran in: " + host.nanos());
        // the parallel loop's chunks, on the common pool's threads, charge the caller's account
        CpuTime.Account loop = new CpuTime.Account();
        int chunks = Parallel.THREADS;
        CpuTime.charged(loop, () -> {
            Parallel.forRange(chunks, 1, (from, to) -> burn((to - from) * 20 * MS));
            return null;
        });
        assertTrue(loop.nanos() >= chunks * 20 * MS, chunks + " chunks of 20 ms: " + loop.nanos());
        assertEquals(0, new CpuTime.Account().nanos());
    }
}
