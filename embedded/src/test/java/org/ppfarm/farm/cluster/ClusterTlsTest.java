package org.ppfarm.farm.cluster;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ppfarm.broker.EmbeddedKafka;
import org.ppfarm.embedded.ThrowawayCa;
import org.ppfarm.farm.config.ClusterTls;
import org.ppfarm.farm.config.FarmConfigs;
import org.ppfarm.testkit.Eventually;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Artery over mutual TLS ({@code cluster.tls.*}) with real actor systems on loopback: two nodes whose certificates
 * the farm's CA signed form a cluster, one with PEM files and one with PKCS12 stores (the two engine providers agree);
 * a node presenting a certificate from another CA never becomes a member, on its side or the cluster's.
 */
class ClusterTlsTest {
    static Path dir;
    static Path caFile;
    static final List<ActorSystem<Void>> systems = new ArrayList<>();
    static final String STORE_PASSWORD = "store password";

    @BeforeAll
    static void certificates() throws Exception {
        dir = Files.createTempDirectory("ppfarm-cluster-tls-");
        ThrowawayCa ca = ThrowawayCa.create("farm CA");
        caFile = ca.writeCertificate(dir.resolve("ca.pem"));
        ca.issue("node-a").write(dir.resolve("a.pem"), dir.resolve("a.key"));
        ThrowawayCa.create("intruder CA").issue("node-c").write(dir.resolve("c.pem"), dir.resolve("c.key"));
        // node b holds its key and the CA in PKCS12 stores instead (Pekko's own ConfigSSLEngineProvider)
        ThrowawayCa.Issued b = ca.issue("node-b");
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("node-b", b.key(), STORE_PASSWORD.toCharArray(), new Certificate[] {b.certificate()});
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        for (var store : Map.of("b.p12", keys, "ca.p12", trust).entrySet())
            try (OutputStream out = Files.newOutputStream(dir.resolve(store.getKey()))) {
                store.getValue().store(out, STORE_PASSWORD.toCharArray());
            }
    }

    /**
     * Stops every node, each within 60 s. Once (a clean-clone run of session 12) a node's termination never completed
     * and the suite hung here for 15 minutes; the bound keeps a hang from stalling the suite and names the node.
     */
    @AfterAll
    static void stop() throws Exception {
        List<String> stuck = new ArrayList<>();
        for (ActorSystem<Void> s : systems) s.terminate();
        for (ActorSystem<Void> s : systems)
            try {
                s.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                stuck.add(s.address().toString());
            }
        EmbeddedKafka.deleteRecursively(dir);
        if (!stuck.isEmpty()) System.err.println("ClusterTlsTest: nodes not terminated within 60 s: " + stuck);
    }

    /** A node with the PEM files {@code name}.pem, {@code name}.key and the farm's CA. */
    static ActorSystem<Void> node(String name, String role, int port, String seed) {
        return node(role, port, seed, Map.of(ClusterTls.CERT_FILE, dir.resolve(name + ".pem").toString(),
                ClusterTls.KEY_FILE, dir.resolve(name + ".key").toString(), ClusterTls.CA_FILE, caFile.toString()));
    }

    static ActorSystem<Void> node(String role, int port, String seed, Map<String, Object> tls) {
        Map<String, Object> p = new HashMap<>(tls);
        p.put(FarmConfigs.CLUSTER_PORT, Integer.toString(port));
        p.put(FarmConfigs.CLUSTER_SEED_NODES, seed);
        ConfigDef def = FarmConfigs.cluster(new ConfigDef(), "none.");
        AbstractConfig c = new AbstractConfig(def, FarmConfigs.requireKnownKeys(def, p));
        FarmConfigs.validateCluster(c);
        ActorSystem<Void> s = ActorSystem.create(Behaviors.empty(), FarmConfigs.CLUSTER_SYSTEM, FarmConfigs.pekkoConfig(c, role));
        systems.add(s);
        return s;
    }

    static List<Member> up(ActorSystem<Void> s) {
        return StreamSupport.stream(Cluster.get(s).state().getMembers().spliterator(), false)
                .filter(m -> m.status() == MemberStatus.up()).toList();
    }

    @Test
    void nodesOfTheFarmsCaFormAClusterAndANodeOfAnotherCaNeverJoins() throws Exception {
        int port = freePort();
        String seed = "pekko://" + FarmConfigs.CLUSTER_SYSTEM + "@127.0.0.1:" + port;
        ActorSystem<Void> a = node("a", FarmCluster.COORDINATOR, port, seed);
        ActorSystem<Void> b = node(FarmCluster.WORKER, 0, seed, Map.of(
                ClusterTls.KEY_STORE_FILE, dir.resolve("b.p12").toString(), ClusterTls.KEY_STORE_PASSWORD, STORE_PASSWORD,
                ClusterTls.TRUST_STORE_FILE, dir.resolve("ca.p12").toString(), ClusterTls.TRUST_STORE_PASSWORD, STORE_PASSWORD));
        Eventually.await("two TLS nodes to be Up members", Duration.ofSeconds(30), () -> up(a).size() == 2 && up(b).size() == 2);
        ActorSystem<Void> c = node("c", FarmCluster.WORKER, 0, seed);
        Address intruder = Cluster.get(c).selfMember().address();
        // b joined the same way within moments; c is given many times that
        for (long end = System.nanoTime() + Duration.ofSeconds(5).toNanos(); System.nanoTime() < end; Thread.sleep(100)) {
            assertNotEquals(MemberStatus.up(), Cluster.get(c).selfMember().status(), "the intruder became Up");
            assertTrue(StreamSupport.stream(Cluster.get(a).state().getMembers().spliterator(), false).noneMatch(m -> m.address().equals(intruder)),
                    () -> "the intruder is among the members: " + Cluster.get(a).state().getMembers());
        }
        assertEquals(2, up(a).size());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
