package org.ppfarm.worker;

import com.typesafe.config.Config;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.ppfarm.farm.config.FarmConfigs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The worker's node in the coordinators' Pekko cluster, over which it takes offered jobs and tells results: one of its
 * own (role worker, joining {@code cluster.seed.nodes}), started with the worker and left on close; or one it is given
 * (the coordinator's, in an embedded farm), which it neither starts nor stops; or none.
 */
final class ClusterNode {
    private static final Logger log = LoggerFactory.getLogger(ClusterNode.class);
    private final Config ownNodeConfig;  // null: no node of its own
    private final ActorSystem<?> given;  // null: none given
    private volatile ActorSystem<Void> own;

    /**
     * @param ownNodeConfig the Pekko settings of a node of its own ({@link FarmConfigs#pekkoConfig}), or null for none
     * @param given         a node already in the farm's cluster, used instead of one of its own; or null
     */
    ClusterNode(Config ownNodeConfig, ActorSystem<?> given) {
        this.ownNodeConfig = given == null ? ownNodeConfig : null;
        this.given = given;
    }

    /** Starts the node of its own, which joins the cluster; the node to use (null: none). */
    ActorSystem<?> start() {
        if (ownNodeConfig != null) own = ActorSystem.create(Behaviors.empty(), FarmConfigs.CLUSTER_SYSTEM, ownNodeConfig);
        return system();
    }

    /** Whether the node in use is its own (started and stopped with the worker), not a given one. */
    boolean ownsNode() { return ownNodeConfig != null; }

    /** The node in use: the given one, the own one once started, or null. */
    ActorSystem<?> system() { return given != null ? given : own; }

    /** Whether the node of its own is an Up member (so result notices are sent); false if it runs none. */
    boolean up() {
        ActorSystem<Void> n = own;
        return n != null && Cluster.get(n).selfMember().status() == MemberStatus.up();
    }

    /** Leaves the cluster (coordinated shutdown) and stops the node of its own; a given node is left running. */
    void close() throws InterruptedException {
        ActorSystem<Void> n = own;
        if (n == null) return;
        n.terminate();
        try {
            n.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            log.warn("cluster node {} did not stop in 20 s", n.address());
        }
    }
}
