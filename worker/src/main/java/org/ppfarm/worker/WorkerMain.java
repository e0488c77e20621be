package org.ppfarm.worker;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ppfarm worker <worker.properties> [key=value ...]}: runs one worker until SIGTERM/SIGINT, then shuts down
 * gracefully (in-flight jobs finish within shutdown.grace.ms). Keys: {@link WorkerConfig#CONFIG}.
 */
public final class WorkerMain {
    private WorkerMain() {}

    public static void main(String[] args) throws Exception {
        Worker w = new Worker(new WorkerConfig(load(args))).start();
        System.out.println("worker " + w.id() + " ready");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try { w.close(); } catch (InterruptedException ignored) { Thread.currentThread().interrupt(); }
            stopped.countDown();
        }));
        stopped.await();
    }

    /** A properties file (first argument, optional) overridden by key=value arguments. */
    public static Properties load(String[] args) throws IOException {
        Properties p = new Properties();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq > 0) p.setProperty(a.substring(0, eq), a.substring(eq + 1));
            else try (Reader r = Files.newBufferedReader(Path.of(a))) { p.load(r); }
        }
        return p;
    }
}
