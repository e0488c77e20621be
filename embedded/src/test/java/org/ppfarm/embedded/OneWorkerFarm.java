package org.ppfarm.embedded;

import org.ppfarm.broker.TestBroker;
import org.ppfarm.client.FarmClient;
import org.ppfarm.coordinator.Coordinator;
import org.ppfarm.coordinator.config.CoordinatorConfig;
import org.ppfarm.coordinator.kafka.FarmFixture;
import org.ppfarm.testkit.Artifacts;
import org.ppfarm.testkit.Eventually;
import org.ppfarm.worker.Worker;
import org.ppfarm.worker.WorkerConfig;

import java.time.Duration;
import java.util.Map;

/**
 * A whole farm for end-to-end tests: a real broker ({@link TestBroker}), one coordinator with the production
 * commitment circuit (and withdraw, if asked) registered as version 1.0.2, a client, and worker {@code w1} on a
 * cluster node of its own, joined to the coordinator's (so result notices flow) before {@link #start} returns.
 * Closed in reverse order.
 */
final class OneWorkerFarm implements AutoCloseable {
    final TestBroker broker;
    final FarmFixture farm;
    final Coordinator coordinator;
    final FarmClient client;
    final Worker worker;

    private OneWorkerFarm(boolean withdraw, TestBroker broker, Map<String, Object> coordinatorOverrides,
                          Map<String, Object> workerOverrides) throws Exception {
        this.broker = broker;
        farm = new FarmFixture(broker);
        coordinator = farm.startCoordinator(coordinatorOverrides);
        client = FarmFixture.client(coordinator);
        client.register("commitment", "1.0.2", Artifacts.commitmentZkey(), Artifacts.commitmentWasm(), Artifacts.commitmentVkey());
        if (withdraw) client.register("withdraw", "1.0.2", Artifacts.withdrawZkey(), Artifacts.withdrawWasm(), Artifacts.withdrawVkey());
        worker = WorkerFixture.start(farm, coordinator, "w1", workerOverrides);
        Eventually.await("the worker's node to join the coordinator's cluster", Duration.ofSeconds(30), worker::clusterUp);
    }

    /** @param withdraw register the withdraw circuit too (its key takes a few seconds to load on first use) */
    static OneWorkerFarm start(boolean withdraw) throws Exception {
        return new OneWorkerFarm(withdraw, TestBroker.start(), Map.of(), Map.of());
    }

    /**
     * The commitment circuit only, on {@code broker} (closed with the farm), with both nodes' /metrics, /ready and
     * /live on free ports.
     */
    static OneWorkerFarm monitored(TestBroker broker) throws Exception {
        return new OneWorkerFarm(false, broker, Map.of(CoordinatorConfig.METRICS_PORT, "0"), Map.of(WorkerConfig.METRICS_PORT, "0"));
    }

    @Override
    public void close() throws Exception {
        client.close();
        worker.close();
        coordinator.close();
        farm.close();
        broker.close();
    }
}
