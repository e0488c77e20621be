package org.ppfarm.coordinator.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.apache.kafka.common.config.ConfigException;
import org.ppfarm.coordinator.config.CoordinatorConfig;
import org.ppfarm.farm.cluster.FarmCluster;
import org.ppfarm.farm.config.FarmConfigs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How a coordinator's node finds the Pekko cluster (cluster.bootstrap): through cluster.seed.nodes (joining itself
 * when there are none), or through Pekko Management's cluster bootstrap with the {@code kubernetes-api} discovery
 * method, where the coordinators' pods are found by label and the lowest-addressed of them forms the cluster. Workers
 * always join through seed nodes (the coordinators' stable names): they are no contact points.
 */
public final class ClusterFormation {
    /** Pekko's setting of where the service account's CA certificate is, which Kubernetes API discovery reads first. */
    static final String API_CA_PATH = "pekko.discovery.kubernetes-api.api-ca-path";

    private ClusterFormation() {}

    /**
     * The coordinator's actor-system config ({@link FarmConfigs#pekkoConfig}), plus, with cluster.bootstrap=kubernetes-api,
     * Pekko Management on cluster.bootstrap.management.host:port and the bootstrap's discovery: pods matching the label
     * selector in the pod's own namespace, probed at their IP (no pod DNS records needed) on the management port.
     */
    public static Config pekkoConfig(CoordinatorConfig c) {
        Config base = FarmConfigs.pekkoConfig(c, FarmCluster.COORDINATOR);
        if (!c.kubernetesBootstrap()) return base;
        String host = c.getString(CoordinatorConfig.CLUSTER_BOOTSTRAP_MANAGEMENT_HOST);
        if (host.isEmpty()) host = c.getString(CoordinatorConfig.CLUSTER_HOST);
        return ConfigFactory.empty()
                .withValue("pekko.management.http.hostname", ConfigValueFactory.fromAnyRef(host))
                .withValue("pekko.management.http.port", ConfigValueFactory.fromAnyRef(c.getInt(CoordinatorConfig.CLUSTER_BOOTSTRAP_MANAGEMENT_PORT)))
                .withValue("pekko.management.cluster.bootstrap.contact-point-discovery.discovery-method", ConfigValueFactory.fromAnyRef("kubernetes-api"))
                .withValue("pekko.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr",
                        ConfigValueFactory.fromAnyRef(c.getInt(CoordinatorConfig.CLUSTER_BOOTSTRAP_REQUIRED_CONTACT_POINTS)))
                .withValue("pekko.discovery.kubernetes-api.pod-label-selector",
                        ConfigValueFactory.fromAnyRef(c.getString(CoordinatorConfig.CLUSTER_BOOTSTRAP_POD_LABEL_SELECTOR)))
                .withValue("pekko.discovery.kubernetes-api.use-raw-ip", ConfigValueFactory.fromAnyRef(true))
                .withFallback(base);
    }

    /**
     * Refuses, before the coordinator opens anything, a kubernetes-api bootstrap outside a pod with a service-account
     * token: Pekko's discovery would fail on its CA file later, with a stack trace. A setting that does not fit where
     * the coordinator runs, so a {@link ConfigException} ({@code ppfarm coordinator}: one line, exit 2).
     *
     * @throws ConfigException naming cluster.bootstrap and the missing file
     */
    public static void checkEnvironment(CoordinatorConfig c, Config pekko) {
        if (!c.kubernetesBootstrap()) return;
        Path ca = Path.of(pekko.getString(API_CA_PATH));
        if (!Files.isReadable(ca))
            throw new ConfigException(CoordinatorConfig.CLUSTER_BOOTSTRAP, CoordinatorConfig.BOOTSTRAP_KUBERNETES_API,
                    "needs the pod's service-account CA " + ca + ", which cannot be read: not in a Kubernetes pod, or its "
                            + "service account token is not mounted (automountServiceAccountToken)");
    }

    /**
     * Starts joining: to the seeds (Pekko does it on its own; with none, the node forms a cluster of its own), or
     * Pekko Management and the cluster bootstrap, which joins once the coordinators are found (until then the node
     * is not Up and the coordinator not ready). Returns without waiting for the join.
     *
     * @throws IllegalStateException naming cluster.bootstrap.management.port when Pekko Management cannot bind, or
     *                               when Kubernetes API discovery cannot start
     */
    public static void start(ActorSystem<?> system, CoordinatorConfig c) throws InterruptedException {
        Cluster cluster = Cluster.get(system);
        if (!c.kubernetesBootstrap()) {
            if (c.getList(CoordinatorConfig.CLUSTER_SEED_NODES).isEmpty())
                cluster.manager().tell(Join.create(cluster.selfMember().address()));
            return;
        }
        try {
            // the bootstrap's contact point (/bootstrap/seed-nodes), which other coordinators probe: bound first
            PekkoManagement.get(system).start().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("cannot start Pekko Management on " + system.settings().config().getString("pekko.management.http.hostname")
                    + ":" + c.getInt(CoordinatorConfig.CLUSTER_BOOTSTRAP_MANAGEMENT_PORT) + " (" + CoordinatorConfig.CLUSTER_BOOTSTRAP_MANAGEMENT_PORT
                    + "): " + cause, cause);
        }
        try {
            ClusterBootstrap.get(system).start();
        } catch (RuntimeException e) {
            throw new IllegalStateException(CoordinatorConfig.CLUSTER_BOOTSTRAP + "=kubernetes-api: cannot start Kubernetes API discovery: " + e, e);
        }
    }
}
