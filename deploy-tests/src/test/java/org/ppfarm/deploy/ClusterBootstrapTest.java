package org.ppfarm.deploy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import org.apache.kafka.common.config.ConfigException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.event.Logging;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppfarm.coordinator.Coordinator;
import org.ppfarm.coordinator.cluster.ClusterFormation;
import org.ppfarm.coordinator.config.CoordinatorConfig;
import org.ppfarm.embedded.ThrowawayCa;
import org.ppfarm.farm.config.FarmConfigs;
import org.ppfarm.farm.seal.InputSeal;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A coordinator configured as the chart configures it (cluster.bootstrap=kubernetes-api) outside Kubernetes: its
 * settings load, and it starts Pekko Management and the cluster bootstrap, which fail only where the Kubernetes API
 * server should be. Outside a pod (no service-account files) the coordinator refuses to start in one line, before it
 * opens anything (a settings error: {@code ppfarm coordinator} exits 2); given the files a pod has, but no API server,
 * the bootstrap runs and reports the missing API server.
 */
class ClusterBootstrapTest {
    @TempDir Path dir;

    private Map<String, Object> settings(int managementPort) {
        Map<String, Object> s = new HashMap<>();
        s.put(FarmConfigs.KAFKA_BOOTSTRAP_SERVERS, "127.0.0.1:9");  // never reached
        s.put(CoordinatorConfig.ARTIFACTS_DIR, dir.resolve("registry").toString());
        s.put(CoordinatorConfig.SEAL_PUBLIC_KEY, InputSeal.KeyPair.generate().publicKeyBase64());
        s.put(CoordinatorConfig.CLUSTER_BOOTSTRAP, "kubernetes-api");
        s.put(CoordinatorConfig.CLUSTER_BOOTSTRAP_POD_LABEL_SELECTOR, "app.kubernetes.io/instance=farm,app.kubernetes.io/component=coordinator");
        s.put(CoordinatorConfig.CLUSTER_BOOTSTRAP_MANAGEMENT_PORT, managementPort);
        return s;
    }

    @Test
    void outsideAPodTheCoordinatorRefusesToStartNamingTheMissingFile() {
        CoordinatorConfig config = new CoordinatorConfig(settings(7626));
        assumeTrue(!Files.exists(Path.of("/var/run/secrets/kubernetes.io/serviceaccount/ca.crt")), "runs inside a Kubernetes pod");
        ConfigException e = assertThrows(ConfigException.class, () -> Coordinator.start(config));
        assertEquals("Invalid value kubernetes-api for configuration cluster.bootstrap: needs the pod's service-account CA "
                + "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt, which cannot be read: not in a Kubernetes pod, or its "
                + "service account token is not mounted (automountServiceAccountToken)", e.getMessage());
    }

    @Test
    void seedNodesAndTheKubernetesBootstrapExcludeEachOther() {
        Map<String, Object> s = settings(7626);
        s.put(CoordinatorConfig.CLUSTER_SEED_NODES, "pekko://ppfarm@c0:25520");
        String m = assertThrows(ConfigException.class, () -> new CoordinatorConfig(s)).getMessage();
        assertTrue(m.contains("cluster.seed.nodes") && m.contains("must be empty with cluster.bootstrap=kubernetes-api"), m);
        s.remove(CoordinatorConfig.CLUSTER_SEED_NODES);
        s.put(CoordinatorConfig.CLUSTER_BOOTSTRAP_POD_LABEL_SELECTOR, "");
        m = assertThrows(ConfigException.class, () -> new CoordinatorConfig(s)).getMessage();
        assertTrue(m.contains("cluster.bootstrap.pod.label.selector"), m);
    }

    @Test
    void withAPodsFilesButNoApiServerTheBootstrapRunsAndReportsTheMissingApiServer() throws Exception {
        assumeTrue(System.getenv("KUBERNETES_SERVICE_HOST") == null, "runs inside a Kubernetes pod");
        int port;
        try (ServerSocket s = new ServerSocket(0)) { port = s.getLocalPort(); }
        CoordinatorConfig config = new CoordinatorConfig(settings(port));
        // what Kubernetes mounts into a pod whose service account token is automounted
        Path ca = ThrowawayCa.create("kubernetes").writeCertificate(dir.resolve("ca.crt"));
        Files.writeString(dir.resolve("token"), "not-a-token");
        Config pekko = ConfigFactory.empty()
                .withValue("pekko.discovery.kubernetes-api.api-ca-path", ConfigValueFactory.fromAnyRef(ca.toString()))
                .withValue("pekko.discovery.kubernetes-api.api-token-path", ConfigValueFactory.fromAnyRef(dir.resolve("token").toString()))
                .withValue("pekko.discovery.kubernetes-api.pod-namespace", ConfigValueFactory.fromAnyRef("prover"))
                .withFallback(ClusterFormation.pekkoConfig(config));
        ClusterFormation.checkEnvironment(config, pekko);

        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), FarmConfigs.CLUSTER_SYSTEM, pekko);
        try {
            CompletableFuture<String> resolveFailure = new CompletableFuture<>();
            system.eventStream().tell(new EventStream.Subscribe<>(Logging.Warning.class, system.systemActorOf(
                    Behaviors.<Logging.Warning>receiveMessage(w -> {
                        if (String.valueOf(w.message()).startsWith("Resolve attempt failed!")) resolveFailure.complete(String.valueOf(w.message()));
                        return Behaviors.same();
                    }), "warnings", Props.empty())));
            ClusterFormation.start(system, config);

            assertEquals("Resolve attempt failed! Cause: java.util.NoSuchElementException: Unable to form request; check Kubernetes "
                    + "environment (expecting env vars KUBERNETES_SERVICE_HOST, KUBERNETES_SERVICE_PORT)", resolveFailure.get(30, TimeUnit.SECONDS));
            // the contact point other coordinators probe is up, with no seed nodes yet; this node has joined nothing.
            // The client is closed, and its connection with it, so the actor system's HTTP server stops at once.
            HttpResponse<String> seeds;
            try (HttpClient http = HttpClient.newHttpClient()) {
                seeds = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/bootstrap/seed-nodes"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            }
            assertEquals(200, seeds.statusCode(), seeds.body());
            assertTrue(seeds.body().contains("\"seedNodes\":[]"), seeds.body());
            assertNotEquals(MemberStatus.up(), Cluster.get(system).selfMember().status());
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
        }
    }
}
