package org.ppfarm.deploy;

import org.junit.jupiter.api.Test;
import org.ppfarm.coordinator.config.CoordinatorConfig;
import org.ppfarm.farm.seal.InputSeal;
import org.ppfarm.worker.WorkerConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppfarm.deploy.DeployFiles.at;

/**
 * deploy/compose/compose.yaml parses (anchors and merge keys resolved) and refers only to services, volumes and files
 * that exist; Prometheus scrapes every ppfarm process of it; the images default to the project version.
 */
class ComposeTest {
    static final Path DIR = DeployFiles.deploy("compose");

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> services(Map<String, Object> compose) {
        return (Map<String, Map<String, Object>>) compose.get("services");
    }

    @Test
    void referencesOnlyWhatExists() throws Exception {
        Map<String, Object> compose = DeployFiles.document(DIR.resolve("compose.yaml"));
        Map<String, Map<String, Object>> services = services(compose);
        Set<String> volumes = ((Map<String, ?>) compose.get("volumes")).keySet();
        List<String> problems = new ArrayList<>();
        services.forEach((name, s) -> {
            Object deps = s.get("depends_on");
            Iterable<?> names = deps instanceof Map<?, ?> m ? m.keySet() : deps instanceof List<?> l ? l : List.of();
            for (Object d : names) if (!services.containsKey(d)) problems.add(name + ": depends_on unknown service " + d);
            for (Object v : (List<?>) s.getOrDefault("volumes", List.of())) {
                String source = v.toString().startsWith("$") ? v.toString() : v.toString().split(":")[0];
                if (source.startsWith(".")) {
                    if (!Files.exists(DIR.resolve(source))) problems.add(name + ": no file " + source);
                } else if (source.startsWith("$")) {
                    if (!source.startsWith("${PPFARM_CIRCUITS:-")) problems.add(name + ": unexpected variable mount " + source);
                } else if (!volumes.contains(source)) problems.add(name + ": unknown volume " + source);
            }
            if (s.get("image") == null) problems.add(name + ": no image");
        });
        assertEquals(List.of(), problems);
        // every named volume is used
        for (String v : volumes)
            assertTrue(services.values().stream().anyMatch(s -> String.valueOf(s.get("volumes")).contains(v + ":")), "unused volume " + v);
    }

    @Test
    void theFarmItDescribes() throws Exception {
        Map<String, Map<String, Object>> services = services(DeployFiles.document(DIR.resolve("compose.yaml")));
        String image = "${PPFARM_IMAGE:-ppfarm}:${PPFARM_VERSION:-" + DeployFiles.projectVersion() + "}";
        assertTrue(((String) services.get("kafka").get("image")).startsWith("apache/kafka:"));
        assertEquals("broker,controller", at(services.get("kafka"), "environment.KAFKA_PROCESS_ROLES"));
        for (String s : List.of("init", "coordinator-1", "coordinator-2", "register", "worker-1", "worker-2"))
            assertEquals(image, services.get(s).get("image"), s);
        assertEquals(image + "-cuda", services.get("worker-gpu-1").get("image"));
        assertEquals(List.of("gpu"), services.get("worker-gpu-1").get("profiles"));
        assertEquals(Map.of("driver", "nvidia", "count", 1, "capabilities", List.of("gpu")),
                at(services.get("worker-gpu-1"), "deploy.resources.reservations.devices.0"));
        // coordinators get the public key's volume, workers the private one's
        for (String c : List.of("coordinator-1", "coordinator-2")) {
            assertTrue(services.get(c).get("volumes").toString().contains("seal-public:/etc/ppfarm/seal:ro"), c);
            assertEquals("service_completed_successfully", at(services.get(c), "depends_on.init.condition"));
        }
        for (String w : List.of("worker-1", "worker-2", "worker-gpu-1"))
            assertTrue(services.get(w).get("volumes").toString().contains("seal-private:/etc/ppfarm/seal:ro"), w);
        // each node's cluster.host is its own service name, which the seed list and artifacts addresses use
        for (String n : List.of("coordinator-1", "coordinator-2", "worker-1", "worker-2", "worker-gpu-1"))
            assertTrue(((List<?>) services.get(n).get("command")).contains("cluster.host=" + n), n);
    }

    /** Prometheus scrapes every coordinator and worker on its metrics port, and loads deploy/prometheus's rules. */
    @Test
    void prometheusScrapesEveryProcess() throws Exception {
        Map<String, Map<String, Object>> services = services(DeployFiles.document(DIR.resolve("compose.yaml")));
        Map<String, Object> prometheus = DeployFiles.document(DIR.resolve("prometheus.yml"));
        List<String> targets = new ArrayList<>();
        for (Object job : (List<?>) prometheus.get("scrape_configs"))
            for (Object sc : (List<?>) ((Map<?, ?>) job).get("static_configs")) {
                Map<?, ?> labels = (Map<?, ?>) ((Map<?, ?>) sc).get("labels");
                assertTrue(Set.of("coordinator", "worker").contains(labels.get("component")), String.valueOf(labels));
                for (Object t : (List<?>) ((Map<?, ?>) sc).get("targets")) targets.add(t.toString());
            }
        String port = properties("coordinator.properties").getProperty("metrics.port");
        assertEquals(port, properties("worker.properties").getProperty("metrics.port"));
        List<String> processes = services.entrySet().stream()
                .filter(e -> e.getValue().get("command") instanceof List<?> c && Set.of("coordinator", "worker").contains(c.getFirst()))
                .map(e -> e.getKey() + ":" + port).sorted().toList();
        assertEquals(processes, targets.stream().sorted().toList());
        String rules = (String) ((List<?>) prometheus.get("rule_files")).getFirst();
        assertTrue(services.get("prometheus").get("volumes").toString().contains("../prometheus/ppfarm-alerts.yaml:" + rules), rules);
        assertTrue(services.get("grafana").get("volumes").toString().contains("../grafana/ppfarm.json:"));
    }

    /** The settings files, with what each service's command and the seal volumes add, load in the real config classes. */
    @Test
    void settingsLoad() throws Exception {
        InputSeal.KeyPair keys = InputSeal.KeyPair.generate();
        Map<String, Object> c = new java.util.HashMap<>();
        properties("coordinator.properties").forEach((k, v) -> c.put((String) k, v));
        c.putAll(Map.of("coordinator.id", "coordinator-1", "cluster.host", "coordinator-1", "seal.public.key", keys.publicKeyBase64()));
        assertEquals(9400, new CoordinatorConfig(c).getInt(CoordinatorConfig.METRICS_PORT));
        Map<String, Object> w = new java.util.HashMap<>();
        properties("worker.properties").forEach((k, v) -> w.put((String) k, v));
        w.putAll(Map.of("worker.id", "worker-1", "cluster.host", "worker-1", "seal.key.pair", keys.encode()));
        WorkerConfig wc = new WorkerConfig(w);
        assertEquals("0.0.0.0", wc.getString(WorkerConfig.METRICS_HOST));
        assertEquals(2, wc.getInt(WorkerConfig.CONCURRENCY), "the next job's witness overlaps the current proof");
        assertEquals(1, wc.getInt(WorkerConfig.PROVING_SLOTS));
        InputSeal.zeroize(keys.privateKey());
    }

    private static java.util.Properties properties(String file) throws Exception {
        java.util.Properties p = new java.util.Properties();
        try (var r = Files.newBufferedReader(DIR.resolve("config").resolve(file))) { p.load(r); }
        return p;
    }
}
