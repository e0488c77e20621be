package org.ppfarm.embedded;

import org.ppfarm.worker.Worker;
import org.ppfarm.worker.WorkerConfig;
import org.ppfarm.coordinator.Coordinator;
import org.ppfarm.farm.config.FarmConfigs;
import org.ppfarm.coordinator.kafka.FarmFixture;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Worker settings for tests: the fixture's broker, topics and keys; the coordinator's Pekko cluster as its seed, so the
 * worker runs a cluster node of its own and tells results to the coordinator's inbox over Artery, as in a distributed
 * farm; the default (engine) pipeline unless overridden.
 */
final class WorkerFixture {
    private WorkerFixture() {}

    static Map<String, Object> props(FarmFixture farm, Coordinator coordinator, String id) throws Exception {
        Map<String, Object> p = new HashMap<>();
        p.put(FarmConfigs.KAFKA_BOOTSTRAP_SERVERS, farm.broker.bootstrapServers());
        p.put(FarmConfigs.KAFKA_TOPIC_PREFIX, farm.prefix);
        p.put(WorkerConfig.WORKER_ID, id);
        p.put(WorkerConfig.COORDINATOR_ADDRESS, "127.0.0.1:" + coordinator.artifactsPort());
        p.put(WorkerConfig.CACHE_DIR, Files.createTempDirectory("ppfarm-worker-cache-").toString());
        p.put(WorkerConfig.SEAL_KEY_PAIR, farm.keys.encode());
        p.put(WorkerConfig.SESSION_TIMEOUT_MS, "6000");
        // a test proves a few times per key: building the CPU MSM's fixed-base tables (~22 s of CPU for withdraw)
        // would cost more than it saves; prover's tests cover the table path
        p.put(WorkerConfig.MSM_TABLE_BYTES, "0");
        p.put(WorkerConfig.SHUTDOWN_GRACE_MS, "20000");
        p.put(FarmConfigs.CLUSTER_SEED_NODES, coordinator.clusterAddress());
        return p;
    }

    static Worker start(FarmFixture farm, Coordinator coordinator, String id, Map<String, Object> overrides) throws Exception {
        Map<String, Object> p = props(farm, coordinator, id);
        p.putAll(overrides);
        return new Worker(new WorkerConfig(p)).start();
    }

    static Path tempFile(String name, String content) throws Exception {
        Path d = Files.createTempDirectory("ppfarm-e2e-");
        return Files.writeString(d.resolve(name), content);
    }
}
