package org.ppfarm.embedded;

import org.ppfarm.farm.config.FarmConfigs;
import org.ppfarm.worker.Worker;
import org.ppfarm.worker.WorkerConfig;

import java.util.List;

/**
 * A worker as its own process, for tests that kill one like a crashed machine ({@link FarmResilienceTest}): built
 * from {@code key=value} arguments as {@code ppfarm worker} builds it (the cli module, which this one cannot depend
 * on), printing the same {@code worker ID ready} line, then running until the process is killed.
 */
public final class WorkerProcess {
    private WorkerProcess() {}

    public static void main(String[] args) throws Exception {
        Worker w = new Worker(new WorkerConfig(FarmConfigs.load(List.of(args)))).start();
        System.out.println("worker " + w.id() + " ready");
        Thread.currentThread().join(); // until killed: the tests end it with SIGKILL
    }
}
