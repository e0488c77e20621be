package org.ppfarm.farm.health;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.apache.pekko.actor.typed.ActorSystem;
import org.ppfarm.farm.cluster.FarmCluster;

import java.util.Map;
import java.util.function.ToIntBiFunction;

/**
 * The metrics every farm node exports beside its own (docs/operations.md, "Health and metrics"): the JVM's and the
 * process's ({@code jvm_*}, {@code process_*}), and from its {@link FarmHealth}: whether it serves, whether Kafka
 * answers, its consumer groups' lag per topic, and the cluster's members by role as this node sees them.
 */
public final class NodeMetrics {
    private NodeMetrics() {}

    public static void register(PrometheusRegistry registry, FarmHealth health) {
        JvmMetrics.builder().register(registry);
        GaugeWithCallback.builder().name("ppfarm_serving")
                .help("1 while this node serves (Kafka reachable, cluster member Up, startup done, not draining), else 0")
                .callback(cb -> cb.call(health.serving() ? 1 : 0)).register(registry);
        GaugeWithCallback.builder().name("ppfarm_kafka_reachable")
                .help("1 while this node's last probe of the Kafka brokers was answered, else 0")
                .callback(cb -> cb.call(health.kafkaReachable() ? 1 : 0)).register(registry);
        GaugeWithCallback.builder().name("ppfarm_kafka_consumer_lag_records")
                .help("Records on a topic past its consumer group's committed offsets (summed over partitions), measured every ~5 s")
                .labelNames("group", "topic")
                .callback(cb -> {
                    for (Map.Entry<String, Map<String, Long>> g : health.consumerLag().entrySet())
                        for (Map.Entry<String, Long> t : g.getValue().entrySet()) cb.call(t.getValue(), g.getKey(), t.getKey());
                }).register(registry);
        byRole(registry, "ppfarm_cluster_members", "Up members of the Pekko cluster by role, as this node sees them",
                health, FarmHealth::upMembers);
        byRole(registry, "ppfarm_cluster_unreachable_members",
                "Members of the Pekko cluster by role that this node's failure detector finds unreachable", health, FarmHealth::unreachableMembers);
    }

    /** A gauge of the watched cluster's members per role (coordinator, worker), counted by {@code count}. */
    private static void byRole(PrometheusRegistry registry, String name, String help, FarmHealth health,
                               ToIntBiFunction<ActorSystem<?>, String> count) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("role")
                .callback(cb -> {
                    ActorSystem<?> node = health.clusterNode();
                    for (String role : new String[] {FarmCluster.COORDINATOR, FarmCluster.WORKER}) cb.call(count.applyAsInt(node, role), role);
                }).register(registry);
    }
}
