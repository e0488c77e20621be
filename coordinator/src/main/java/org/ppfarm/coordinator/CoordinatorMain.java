package org.ppfarm.coordinator;

import org.ppfarm.coordinator.config.CoordinatorConfig;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ppfarm coordinator <coordinator.properties> [key=value ...]}: runs one coordinator against an external Kafka
 * until SIGTERM/SIGINT. Keys: {@link CoordinatorConfig#CONFIG} (docs/farm.md lists them).
 */
public final class CoordinatorMain {
    private CoordinatorMain() {}

    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq > 0) p.setProperty(a.substring(0, eq), a.substring(eq + 1));
            else try (Reader r = Files.newBufferedReader(Path.of(a))) { p.load(r); }
        }
        CoordinatorConfig config = new CoordinatorConfig(p);
        Coordinator c = Coordinator.start(config);
        System.out.println("coordinator " + c.id() + " ready on " + config.getString(CoordinatorConfig.GRPC_HOST) + ":" + c.port());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try { c.close(); } catch (InterruptedException ignored) { Thread.currentThread().interrupt(); }
            stopped.countDown();
        }));
        stopped.await();
    }
}
