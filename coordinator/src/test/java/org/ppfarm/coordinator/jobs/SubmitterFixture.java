package org.ppfarm.coordinator.jobs;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.apache.pekko.actor.typed.ActorSystem;
import org.ppfarm.coordinator.metrics.FarmMetrics;
import org.ppfarm.coordinator.registry.CircuitRegistry;
import org.ppfarm.coordinator.registry.InMemoryCircuitLog;
import org.ppfarm.farm.seal.InputSeal;
import org.ppfarm.testkit.Artifacts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The coordinator's submission path without Kafka or a cluster: a circuit registry holding the 0xbow commitment
 * circuit as {@code commitment@1}, a {@link JobTracker} in its own actor system, and a {@link JobSubmitter} writing to
 * the given {@link JobLog}, with the workers' key pair its inputs are sealed to. No privacy-pool inputs (such requests
 * are refused) and no result inbox.
 */
public final class SubmitterFixture implements AutoCloseable {
    public final InputSeal.KeyPair keys = InputSeal.KeyPair.generate();
    public final CircuitRegistry registry;
    public final ActorSystem<JobTracker.Command> system;
    public final ExecutorService blocking = Executors.newCachedThreadPool();
    public final JobSubmitter submitter;
    private final Path artifacts;

    /** @param offers the workers to offer jobs to, or null for none */
    public SubmitterFixture(JobLog log, JobOffers offers) throws Exception {
        this(log, offers, tenant -> true);
    }

    /** @param plaintextAllowed which tenants may submit plaintext ({@code inputs.plaintext.allowed}, TenantRecord.plaintext_allowed) */
    public SubmitterFixture(JobLog log, JobOffers offers, Predicate<String> plaintextAllowed) throws Exception {
        this.artifacts = Files.createTempDirectory("ppfarm-submitter-");
        InMemoryCircuitLog circuits = new InMemoryCircuitLog();
        this.registry = new CircuitRegistry(artifacts, 1L << 30, circuits, "submitter-fixture", List.of());
        circuits.follow(registry::learn);
        registry.registerFiles("commitment", "1", Artifacts.commitmentZkey(), Artifacts.commitmentWasm(), Artifacts.commitmentVkey());
        this.system = ActorSystem.create(JobTracker.create(log::publishState, Duration.ofMinutes(10), Clock.systemUTC(), new QueuedJobs(), new UnfinishedJobs(), new UsageLedger()), "submitter-fixture");
        this.submitter = new JobSubmitter(registry, system, system.scheduler(), log, keys.publicKey(), null,
                new FarmMetrics(new PrometheusRegistry()), blocking, "", offers, plaintextAllowed);
    }

    @Override
    public void close() throws Exception {
        blocking.shutdownNow();
        registry.close();
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
        try (Stream<Path> files = Files.walk(artifacts)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        } catch (IOException e) {
            throw new IllegalStateException("cannot delete " + artifacts + ": " + e.getMessage(), e);
        }
    }
}
