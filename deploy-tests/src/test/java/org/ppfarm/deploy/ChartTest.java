package org.ppfarm.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import org.junit.jupiter.api.Test;
import com.typesafe.config.Config;
import org.ppfarm.coordinator.cluster.ClusterFormation;
import org.ppfarm.coordinator.config.CoordinatorConfig;
import org.ppfarm.farm.config.FarmConfigs;
import org.ppfarm.farm.kafka.FarmTopics;
import org.ppfarm.farm.seal.InputSeal;
import org.ppfarm.worker.WorkerConfig;

import java.io.StringReader;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppfarm.deploy.DeployFiles.at;

/**
 * deploy/helm/ppfarm linted and rendered by Helm itself (helm-java bundles it) for the default values, a GPU pool,
 * an external Kafka and a Strimzi Kafka; the rendered documents checked where a mistake would break a farm, and the
 * rendered settings files loaded by the coordinator's and worker's own config classes (unknown keys refused there).
 */
class ChartTest {
    static final Helm CHART = new Helm(DeployFiles.deploy("helm/ppfarm"));
    static final String NS = "prover";

    /** The rendered documents of release "farm" in namespace {@value #NS}, with {@code set} over the values. */
    static List<Map<String, Object>> render(String... set) {
        TemplateCommand t = CHART.template().withName("farm").withNamespace(NS);
        for (String kv : set) {
            String[] p = kv.split("=", 2);
            t = t.set(p[0], p[1]);
        }
        return DeployFiles.documents(t.call());
    }

    static Map<String, Object> one(List<Map<String, Object>> docs, String kind, String name) {
        List<Map<String, Object>> found = docs.stream().filter(d -> kind.equals(d.get("kind")) && name.equals(at(d, "metadata.name"))).toList();
        assertEquals(1, found.size(), kind + " " + name + " in " + kinds(docs));
        return found.getFirst();
    }

    static List<String> kinds(List<Map<String, Object>> docs) {
        return docs.stream().map(d -> d.get("kind") + "/" + at(d, "metadata.name")).sorted().toList();
    }

    static Properties properties(List<Map<String, Object>> docs, String file) throws Exception {
        Properties p = new Properties();
        Map<?, ?> data = at(one(docs, "ConfigMap", "farm-ppfarm-config"), "data");
        p.load(new StringReader((String) data.get(file)));
        return p;
    }

    static String refusal(String... set) {
        Exception e = assertThrows(Exception.class, () -> render(set));
        return e.getMessage();
    }

    @Test
    void lintsWithoutWarnings() {
        LintResult r = CHART.lint().strict().call();
        assertFalse(r.isFailed(), String.join("\n", r.getMessages()));
        assertTrue(r.getMessages().stream().noneMatch(m -> m.startsWith("[ERROR]") || m.startsWith("[WARNING]")), String.join("\n", r.getMessages()));
    }

    @Test
    void chartAndImagesFollowTheProjectVersion() throws Exception {
        Map<String, Object> chart = DeployFiles.document(DeployFiles.deploy("helm/ppfarm/Chart.yaml"));
        assertEquals(DeployFiles.projectVersion(), chart.get("appVersion"));
        assertEquals(DeployFiles.projectVersion(), chart.get("version"));
    }

    @Test
    void defaultValues() throws Exception {
        List<Map<String, Object>> docs = render();
        assertEquals(List.of("ConfigMap/farm-ppfarm-config", "Deployment/farm-ppfarm-cpu-worker",
                "PodDisruptionBudget/farm-ppfarm-coordinator", "PodDisruptionBudget/farm-ppfarm-cpu-worker",
                "Role/farm-ppfarm-coordinator-pod-reader", "RoleBinding/farm-ppfarm-coordinator-pod-reader",
                "Service/farm-ppfarm-coordinator", "Service/farm-ppfarm-coordinator-headless", "Service/farm-ppfarm-worker-metrics",
                "ServiceAccount/farm-ppfarm", "ServiceAccount/farm-ppfarm-coordinator", "StatefulSet/farm-ppfarm-coordinator"), kinds(docs));
        String image = "ppfarm:" + DeployFiles.projectVersion();

        // coordinators: image, ports, probes (gRPC health for readiness, /live for liveness), non-root, public key only
        Map<String, Object> sts = one(docs, "StatefulSet", "farm-ppfarm-coordinator");
        assertEquals(2, (int) at(sts, "spec.replicas"));
        Map<String, Object> c = at(sts, "spec.template.spec.containers.0");
        assertEquals(image, c.get("image"));
        assertEquals(List.of("coordinator", "coordinator.id=$(POD_NAME)",
                "cluster.host=$(POD_NAME).farm-ppfarm-coordinator-headless.$(POD_NAMESPACE).svc.cluster.local",
                "cluster.bootstrap.management.host=$(POD_IP)"), c.get("args"));
        assertEquals(Map.of("grpc", 50051, "artifacts", 50052, "cluster", 25520, "metrics", 9400, "management", 7626), ports(c));
        assertEquals(50051, (int) at(c, "readinessProbe.grpc.port"));
        assertEquals("/live", at(c, "livenessProbe.httpGet.path"));
        assertEquals("metrics", at(c, "livenessProbe.httpGet.port"));
        assertNonRoot(at(sts, "spec.template.spec"), c);
        assertEquals(List.of(Map.of("key", "seal-public.properties", "path", "seal-public.properties")), sealItems(at(sts, "spec.template.spec")));
        assertEquals("20Gi", at(sts, "spec.volumeClaimTemplates.0.spec.resources.requests.storage"));

        Map<String, Object> grpc = one(docs, "Service", "farm-ppfarm-coordinator");
        assertEquals(50051, (int) at(grpc, "spec.ports.0.port"));
        Map<String, Object> headless = one(docs, "Service", "farm-ppfarm-coordinator-headless");
        assertEquals("None", at(headless, "spec.clusterIP"));
        assertEquals(true, at(headless, "spec.publishNotReadyAddresses"));
        assertEquals((String) at(sts, "spec.serviceName"), (String) at(headless, "metadata.name"));

        // CPU workers: image, probes on /ready and /live, the private key only, no GPU
        Map<String, Object> dep = one(docs, "Deployment", "farm-ppfarm-cpu-worker");
        Map<String, Object> w = at(dep, "spec.template.spec.containers.0");
        assertEquals(image, w.get("image"));
        assertEquals("/ready", at(w, "readinessProbe.httpGet.path"));
        assertEquals("/live", at(w, "livenessProbe.httpGet.path"));
        assertNonRoot(at(dep, "spec.template.spec"), w);
        assertEquals(List.of(Map.of("key", "seal-private.properties", "path", "seal-private.properties")), sealItems(at(dep, "spec.template.spec")));
        assertFalse(String.valueOf(w.get("resources")).contains("nvidia.com/gpu"));
        // two jobs at once, one proving: the next job's witness overlaps the current proof
        Properties cpu = properties(docs, "cpu-worker.properties");
        assertEquals("2", cpu.getProperty("worker.concurrency"));
        assertEquals("1", cpu.getProperty("worker.proving.slots"));

        // RBAC: coordinators (their own account, with a token) may get/watch/list pods in the namespace, nothing
        // more; workers get no token
        assertEquals("farm-ppfarm-coordinator", at(sts, "spec.template.spec.serviceAccountName"));
        assertEquals(true, at(sts, "spec.template.spec.automountServiceAccountToken"));
        Map<String, Object> role = one(docs, "Role", "farm-ppfarm-coordinator-pod-reader");
        assertEquals(List.of(Map.of("apiGroups", List.of(""), "resources", List.of("pods"), "verbs", List.of("get", "watch", "list"))), role.get("rules"));
        Map<String, Object> binding = one(docs, "RoleBinding", "farm-ppfarm-coordinator-pod-reader");
        assertEquals(Map.of("kind", "ServiceAccount", "name", "farm-ppfarm-coordinator", "namespace", NS), at(binding, "subjects.0"));
        assertEquals("farm-ppfarm-coordinator-pod-reader", at(binding, "roleRef.name"));
        assertTrue(docs.stream().noneMatch(d -> String.valueOf(d.get("kind")).startsWith("Cluster")));
        assertEquals("farm-ppfarm", at(dep, "spec.template.spec.serviceAccountName"));
        assertEquals(false, at(dep, "spec.template.spec.automountServiceAccountToken"));
        assertEquals(false, at(one(docs, "ServiceAccount", "farm-ppfarm"), "automountServiceAccountToken"));
    }

    /**
     * Coordinators bootstrap their cluster through the Kubernetes API: the rendered settings, with what each pod adds,
     * load in the real config class and give Pekko the kubernetes-api discovery of exactly the StatefulSet's pods
     * (the label selector is its pod selector), a new cluster waiting for every replica; workers still join through
     * the coordinators' stable names.
     */
    @Test
    void coordinatorsBootstrapThroughTheKubernetesApi() throws Exception {
        List<Map<String, Object>> docs = render("coordinator.replicas=3");
        Properties coordinator = properties(docs, "coordinator.properties");
        assertNull(coordinator.getProperty("cluster.seed.nodes"));
        assertEquals("kubernetes-api", coordinator.getProperty("cluster.bootstrap"));
        assertEquals("3", coordinator.getProperty("cluster.bootstrap.required.contact.points"));
        Map<String, String> selector = new HashMap<>();
        for (String kv : coordinator.getProperty("cluster.bootstrap.pod.label.selector").split(","))
            selector.put(kv.split("=", 2)[0], kv.split("=", 2)[1]);
        Map<String, Object> sts = one(docs, "StatefulSet", "farm-ppfarm-coordinator");
        assertEquals(at(sts, "spec.selector.matchLabels"), selector);
        assertTrue(properties(docs, "cpu-worker.properties").getProperty("cluster.seed.nodes").startsWith("pekko://ppfarm@farm-ppfarm-coordinator-0."));

        Map<String, Object> c = settings(coordinator);
        c.put(CoordinatorConfig.SEAL_PUBLIC_KEY, InputSeal.KeyPair.generate().publicKeyBase64());
        c.put(CoordinatorConfig.CLUSTER_HOST, "farm-ppfarm-coordinator-1.farm-ppfarm-coordinator-headless.prover.svc.cluster.local");
        c.put(CoordinatorConfig.CLUSTER_BOOTSTRAP_MANAGEMENT_HOST, "10.1.2.3");   // $(POD_IP)
        Config pekko = ClusterFormation.pekkoConfig(new CoordinatorConfig(c));
        assertEquals("kubernetes-api", pekko.getString("pekko.management.cluster.bootstrap.contact-point-discovery.discovery-method"));
        assertEquals(3, pekko.getInt("pekko.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr"));
        assertEquals(coordinator.getProperty("cluster.bootstrap.pod.label.selector"), pekko.getString("pekko.discovery.kubernetes-api.pod-label-selector"));
        assertEquals("10.1.2.3", pekko.getString("pekko.management.http.hostname"));
        assertEquals(7626, pekko.getInt("pekko.management.http.port"));
        assertEquals(List.of(), pekko.getStringList("pekko.cluster.seed-nodes"));
    }

    /**
     * The coordinators find each other (and workers find them) by the StatefulSet's pod DNS names: the seed list, the
     * artifacts peers and the workers' coordinator.address are exactly those names; and the rendered files, with
     * what each pod adds, load in the real config classes and give Pekko that seed list.
     */
    @Test
    void seedNodesAreTheStatefulSetsPodNames() throws Exception {
        List<Map<String, Object>> docs = render("coordinator.replicas=4", "coordinator.clusterBootstrap=seeds");
        // no RBAC: the pods call no Kubernetes API, and get no token
        assertTrue(docs.stream().noneMatch(d -> String.valueOf(d.get("kind")).matches("(Cluster)?Role(Binding)?")));
        assertEquals(false, at(one(docs, "StatefulSet", "farm-ppfarm-coordinator"), "spec.template.spec.automountServiceAccountToken"));
        Map<String, Object> sts = one(docs, "StatefulSet", "farm-ppfarm-coordinator");
        String headless = at(sts, "spec.serviceName");
        List<String> pods = IntStream.range(0, (int) at(sts, "spec.replicas"))
                .mapToObj(i -> at(sts, "metadata.name") + "-" + i + "." + headless + "." + NS + ".svc.cluster.local").toList();
        Properties coordinator = properties(docs, "coordinator.properties");
        // at most three seeds, coordinator 0 first (it forms a new cluster)
        assertEquals(String.join(",", pods.subList(0, 3).stream().map(p -> "pekko://ppfarm@" + p + ":25520").toList()),
                coordinator.getProperty("cluster.seed.nodes"));
        assertEquals(String.join(",", pods.stream().map(p -> p + ":50052").toList()), coordinator.getProperty("artifacts.peers"));
        Properties worker = properties(docs, "cpu-worker.properties");
        assertEquals(coordinator.getProperty("cluster.seed.nodes"), worker.getProperty("cluster.seed.nodes"));
        assertEquals(coordinator.getProperty("artifacts.peers"), worker.getProperty("coordinator.address"));

        InputSeal.KeyPair keys = InputSeal.KeyPair.generate();
        Map<String, Object> c = settings(coordinator);
        c.put(CoordinatorConfig.SEAL_PUBLIC_KEY, keys.publicKeyBase64());
        c.put(CoordinatorConfig.COORDINATOR_ID, "farm-ppfarm-coordinator-1");
        c.put(CoordinatorConfig.CLUSTER_HOST, pods.get(1));   // what $(POD_NAME)... expands to in pod 1
        CoordinatorConfig cc = new CoordinatorConfig(c);
        assertEquals(pods.subList(0, 3).stream().map(p -> "pekko://ppfarm@" + p + ":25520").toList(),
                FarmConfigs.pekkoConfig(cc, "coordinator").getStringList("pekko.cluster.seed-nodes"));
        assertEquals(pods.get(1), FarmConfigs.pekkoConfig(cc, "coordinator").getString("pekko.remote.artery.canonical.hostname"));
        Map<String, Object> w = settings(worker);
        w.put(WorkerConfig.SEAL_KEY_PAIR, keys.encode());
        w.put(WorkerConfig.WORKER_ID, "farm-ppfarm-cpu-worker-abc");
        w.put(FarmConfigs.CLUSTER_HOST, "10.1.2.3");
        assertEquals("off", new WorkerConfig(w).getString(WorkerConfig.GPU));
        InputSeal.zeroize(keys.privateKey());
    }

    /**
     * The gRPC API's TLS from a kubernetes.io/tls Secret: mounted whole, named by the settings (which the real config
     * class accepts), and readiness moves to /ready, the kubelet's gRPC probe speaking no TLS.
     */
    @Test
    void coordinatorTlsFromASecret() throws Exception {
        List<Map<String, Object>> docs = render("coordinator.tls.secretName=farm-tls", "coordinator.tls.clientAuth=require");
        Map<String, Object> sts = one(docs, "StatefulSet", "farm-ppfarm-coordinator");
        Map<String, Object> c = at(sts, "spec.template.spec.containers.0");
        assertEquals("/ready", at(c, "readinessProbe.httpGet.path"));
        assertNull(at(c, "readinessProbe.grpc"));
        assertTrue(((List<?>) c.get("volumeMounts")).contains(Map.of("name", "tls", "mountPath", "/etc/ppfarm/tls", "readOnly", true)));
        assertTrue(((List<?>) at(sts, "spec.template.spec.volumes")).stream().anyMatch(v -> "farm-tls".equals(at(v, "secret.secretName"))));
        Properties p = properties(docs, "coordinator.properties");
        assertEquals(List.of("/etc/ppfarm/tls/tls.crt", "/etc/ppfarm/tls/tls.key", "require", "/etc/ppfarm/tls/ca.crt"),
                List.of(p.getProperty(CoordinatorConfig.GRPC_TLS_CERT_FILE), p.getProperty(CoordinatorConfig.GRPC_TLS_KEY_FILE),
                        p.getProperty(CoordinatorConfig.GRPC_TLS_CLIENT_AUTH), p.getProperty(CoordinatorConfig.GRPC_TLS_CLIENT_CA_FILE)));
        Map<String, Object> settings = settings(p);
        settings.put(CoordinatorConfig.SEAL_PUBLIC_KEY, InputSeal.KeyPair.generate().publicKeyBase64());
        assertTrue(new CoordinatorConfig(settings).tls());
        // without a Secret: plaintext, gRPC health probe
        assertEquals(50051, (int) at(one(render(), "StatefulSet", "farm-ppfarm-coordinator"), "spec.template.spec.containers.0.readinessProbe.grpc.port"));
    }

    @Test
    void gpuPool() throws Exception {
        List<Map<String, Object>> docs = render("gpuWorkers.enabled=true", "gpuImage.repository=registry.example/ppfarm", "gpuWorkers.gpusPerWorker=2");
        Map<String, Object> dep = one(docs, "Deployment", "farm-ppfarm-gpu-worker");
        Map<String, Object> w = at(dep, "spec.template.spec.containers.0");
        assertEquals("registry.example/ppfarm:" + DeployFiles.projectVersion() + "-cuda", w.get("image"));
        assertEquals(2, ((Map<?, ?>) at(w, "resources.limits")).get("nvidia.com/gpu"));
        assertEquals("true", ((Map<?, ?>) at(dep, "spec.template.spec.nodeSelector")).get("nvidia.com/gpu.present"));
        assertEquals("nvidia.com/gpu", at(dep, "spec.template.spec.tolerations.0.key"));
        assertEquals("gpu", ((Map<?, ?>) at(dep, "spec.template.metadata.labels")).get("ppfarm.io/pool"));
        assertEquals("/etc/ppfarm/worker.properties", at(w, "volumeMounts.0.mountPath"));
        assertEquals("gpu-worker.properties", at(w, "volumeMounts.0.subPath"));
        Properties gpu = properties(docs, "gpu-worker.properties");
        assertEquals("auto", gpu.getProperty("worker.gpu"));
        assertEquals("2", gpu.getProperty("worker.concurrency"));
        assertEquals("1", gpu.getProperty("worker.proving.slots"), "the GPU proves one proof at a time");
        one(docs, "PodDisruptionBudget", "farm-ppfarm-gpu-worker");
        // the CPU pool is still there, on the CPU image
        assertEquals("ppfarm:" + DeployFiles.projectVersion(), at(one(docs, "Deployment", "farm-ppfarm-cpu-worker"), "spec.template.spec.containers.0.image"));
    }

    @Test
    void externalKafka() throws Exception {
        List<Map<String, Object>> docs = render("kafka.bootstrapServers=broker-1:9093\\,broker-2:9093", "kafka.clientProperties.security\\.protocol=SSL",
                "kafka.topicPrefix=farm-a");
        Properties c = properties(docs, "coordinator.properties");
        assertEquals("broker-1:9093,broker-2:9093", c.getProperty("kafka.bootstrap.servers"));
        assertEquals("SSL", c.getProperty("kafka.client.security.protocol"));
        assertEquals("farm-a", properties(docs, "cpu-worker.properties").getProperty("kafka.topic.prefix"));
        assertTrue(docs.stream().noneMatch(d -> String.valueOf(d.get("apiVersion")).startsWith("kafka.strimzi.io")));
    }

    /** Strimzi: a KRaft node pool and the farm's topics as FarmTopics makes them (names, partitions, settings). */
    @Test
    void strimziKafka() throws Exception {
        List<Map<String, Object>> docs = render("strimzi.enabled=true", "kafka.bootstrapServers=", "kafka.partitions=6");
        Map<String, Object> kafka = one(docs, "Kafka", "farm-ppfarm-kafka");
        assertEquals("enabled", ((Map<?, ?>) at(kafka, "metadata.annotations")).get("strimzi.io/kraft"));
        Map<String, Object> pool = one(docs, "KafkaNodePool", "farm-ppfarm-kafka-dual");
        assertEquals(List.of("controller", "broker"), at(pool, "spec.roles"));
        assertEquals("farm-ppfarm-kafka", ((Map<?, ?>) at(pool, "metadata.labels")).get("strimzi.io/cluster"));
        assertEquals("farm-ppfarm-kafka-kafka-bootstrap.prover.svc:9092", properties(docs, "coordinator.properties").getProperty("kafka.bootstrap.servers"));

        FarmTopics farm = new FarmTopics("ppfarm");
        Map<String, Map<String, Object>> topics = new LinkedHashMap<>();
        docs.stream().filter(d -> "KafkaTopic".equals(d.get("kind"))).forEach(d -> topics.put(at(d, "spec.topicName"), d));
        List<String> expected = new ArrayList<>(farm.jobTopics());
        expected.addAll(List.of(farm.events(), farm.state(), farm.circuits()));
        assertEquals(expected, List.copyOf(topics.keySet()));
        for (String t : farm.jobTopics()) {
            assertEquals(6, (int) at(topics.get(t), "spec.partitions"));
            assertEquals(FarmTopics.JOB_RECORD_MAX_BYTES, ((Map<?, ?>) at(topics.get(t), "spec.config")).get("max.message.bytes"));
        }
        assertEquals("compact", ((Map<?, ?>) at(topics.get(farm.state()), "spec.config")).get("cleanup.policy"));
        Map<?, ?> circuits = at(topics.get(farm.circuits()), "spec.config");
        assertEquals(1, (int) at(topics.get(farm.circuits()), "spec.partitions"));
        assertEquals(List.of("delete", -1, -1), List.of(circuits.get("cleanup.policy"), circuits.get("retention.ms"), circuits.get("retention.bytes")));
        for (Map<String, Object> t : topics.values()) assertEquals(3, (int) at(t, "spec.replicas"));
    }

    /**
     * ServiceMonitor, PrometheusRule and dashboard carry deploy/'s files as they are; KEDA scales the CPU pool on the
     * jobs topics' lag and on the coordinators' queue gauges (names MetricsCoverageTest finds on a live farm).
     */
    @Test
    void monitoringAndAutoscaling() throws Exception {
        List<Map<String, Object>> docs = render("metrics.serviceMonitor.enabled=true", "metrics.prometheusRule.enabled=true",
                "metrics.grafanaDashboard.enabled=true", "cpuWorkers.autoscaling.keda.enabled=true",
                "cpuWorkers.autoscaling.keda.prometheus.serverAddress=http://prometheus.monitoring:9090");
        Map<String, Object> sm = one(docs, "ServiceMonitor", "farm-ppfarm");
        assertEquals("metrics", at(sm, "spec.endpoints.0.port"));
        List<Map<String, Object>> metricsServices = docs.stream().filter(d -> "Service".equals(d.get("kind"))
                && "true".equals(((Map<?, ?>) at(d, "metadata.labels")).get("ppfarm.io/metrics"))).toList();
        assertEquals(2, metricsServices.size(), "coordinators' and workers' metrics Services");
        for (Map<String, Object> s : metricsServices)
            assertTrue(((List<?>) at(s, "spec.ports")).stream().anyMatch(p -> "metrics".equals(((Map<?, ?>) p).get("name"))));
        assertEquals(List.of("component", "pool"), ((List<?>) at(sm, "spec.endpoints.0.relabelings")).stream()
                .map(r -> ((Map<?, ?>) r).get("targetLabel")).toList());

        Map<String, Object> rules = DeployFiles.document(DeployFiles.deploy("prometheus/ppfarm-alerts.yaml"));
        assertEquals(rules.get("groups"), at(one(docs, "PrometheusRule", "farm-ppfarm"), "spec.groups"));
        ObjectMapper json = new ObjectMapper();
        Map<?, ?> dashboard = at(one(docs, "ConfigMap", "farm-ppfarm-dashboard"), "data");
        assertEquals(json.readTree(Files.readString(DeployFiles.deploy("grafana/ppfarm.json"))), json.readTree((String) dashboard.get("ppfarm.json")));

        Map<String, Object> so = one(docs, "ScaledObject", "farm-ppfarm-cpu-worker");
        assertEquals("farm-ppfarm-cpu-worker", at(so, "spec.scaleTargetRef.name"));
        assertEquals("ppfarm.workers", at(so, "spec.triggers.0.metadata.consumerGroup"));
        List<?> triggers = at(so, "spec.triggers");
        assertEquals(new FarmTopics("ppfarm").jobTopics(), triggers.stream().filter(t -> "kafka".equals(at(t, "type")))
                .map(t -> at(t, "metadata.topic")).toList());
        String coordinators = "{namespace=\"prover\",service=\"farm-ppfarm-coordinator-headless\"}";
        assertEquals(List.of(List.of("sum(max by (priority) (ppfarm_jobs_queued" + coordinators + "))", "4"),
                        List.of("max(ppfarm_jobs_oldest_queued_age_seconds" + coordinators + ")", "60")),
                triggers.stream().filter(t -> "prometheus".equals(at(t, "type")))
                        .map(t -> List.of(at(t, "metadata.query"), at(t, "metadata.threshold"))).toList());
        assertTrue(triggers.stream().filter(t -> "prometheus".equals(at(t, "type")))
                .allMatch(t -> "http://prometheus.monitoring:9090".equals(at(t, "metadata.serverAddress"))));
        assertTrue(docs.stream().noneMatch(d -> "HorizontalPodAutoscaler".equals(d.get("kind"))));
        assertNull(at(one(docs, "Deployment", "farm-ppfarm-cpu-worker"), "spec.replicas"), "KEDA owns the replica count");
    }

    /** Without KEDA: a plain HorizontalPodAutoscaler on the farm's queued jobs as an external metric. */
    @Test
    void plainHorizontalPodAutoscaler() {
        List<Map<String, Object>> docs = render("cpuWorkers.autoscaling.hpa.enabled=true", "cpuWorkers.autoscaling.maxReplicas=6");
        Map<String, Object> hpa = one(docs, "HorizontalPodAutoscaler", "farm-ppfarm-cpu-worker");
        assertEquals(List.of("Deployment", "farm-ppfarm-cpu-worker"), List.of(at(hpa, "spec.scaleTargetRef.kind"), at(hpa, "spec.scaleTargetRef.name")));
        assertEquals(List.of(1, 6), List.of(at(hpa, "spec.minReplicas"), at(hpa, "spec.maxReplicas")));
        assertEquals(List.of("External", "ppfarm_jobs_queued", "AverageValue", "4"), List.of(at(hpa, "spec.metrics.0.type"),
                at(hpa, "spec.metrics.0.external.metric.name"), at(hpa, "spec.metrics.0.external.target.type"),
                at(hpa, "spec.metrics.0.external.target.averageValue")));
        assertTrue(docs.stream().noneMatch(d -> "ScaledObject".equals(d.get("kind"))));
        assertNull(at(one(docs, "Deployment", "farm-ppfarm-cpu-worker"), "spec.replicas"), "the HPA owns the replica count");
    }

    @Test
    void badValuesFailNamingTheValue() {
        String misspelt = refusal("coordinator.replicaz=3");
        assertTrue(misspelt.contains("'replicaz' not allowed") && misspelt.contains("/coordinator"), misspelt);
        String bootstrap = refusal("coordinator.clusterBootstrap=dns");
        assertTrue(bootstrap.contains("/coordinator/clusterBootstrap"), bootstrap);
        String both = refusal("cpuWorkers.autoscaling.keda.enabled=true", "cpuWorkers.autoscaling.keda.prometheus.serverAddress=http://p:9090",
                "cpuWorkers.autoscaling.hpa.enabled=true");
        assertTrue(both.contains("/cpuWorkers/autoscaling/hpa/enabled"), both);
        String noPrometheus = refusal("cpuWorkers.autoscaling.keda.enabled=true");
        assertTrue(noPrometheus.contains("/cpuWorkers/autoscaling/keda/prometheus/serverAddress"), noPrometheus);
        String nested = refusal("cpuWorkers.autoscaling.maxReplica=3");
        assertTrue(nested.contains("'maxReplica' not allowed") && nested.contains("/cpuWorkers/autoscaling"), nested);
        String type = refusal("coordinator.replicas=two");
        assertTrue(type.contains("/coordinator/replicas") && type.contains("want integer"), type);
        String gpu = refusal("gpuWorkers.enabled=true");
        assertTrue(gpu.contains("/gpuImage/repository"), gpu);
        String kafkas = refusal("strimzi.enabled=true");
        assertTrue(kafkas.contains("kafka.bootstrapServers (\"kafka:9092\") and strimzi.enabled=true are both set"), kafkas);
        String none = refusal("kafka.bootstrapServers=");
        assertTrue(none.contains("kafka.bootstrapServers is empty and strimzi.enabled=false"), none);
        String seal = refusal("seal.keyPair=abc", "seal.publicKey=def");
        assertTrue(seal.contains("seal.existingSecret (\"ppfarm-seal\") and seal.publicKey/seal.keyPair are both set"), seal);
        String slots = refusal("cpuWorkers.provingSlots=3");
        assertTrue(slots.contains("cpuWorkers.provingSlots=3 exceeds cpuWorkers.concurrency=2"), slots);
        String prefix = refusal("kafka.topicPrefix=farm/a");
        assertTrue(prefix.contains("/kafka/topicPrefix"), prefix);
    }

    @Test
    void sealKeysFromValuesBecomeASecret() throws Exception {
        InputSeal.KeyPair keys = InputSeal.KeyPair.generate();
        List<Map<String, Object>> docs = render("seal.existingSecret=", "seal.publicKey=" + keys.publicKeyBase64(), "seal.keyPair=" + keys.encode());
        Map<String, Object> secret = one(docs, "Secret", "farm-ppfarm-seal");
        Map<?, ?> data = at(secret, "stringData");
        assertEquals("seal.public.key=" + keys.publicKeyBase64() + "\n", data.get("seal-public.properties"));
        assertEquals("seal.key.pair=" + keys.encode() + "\n", data.get("seal-private.properties"));
        assertEquals("farm-ppfarm-seal", at(one(docs, "StatefulSet", "farm-ppfarm-coordinator"), "spec.template.spec.volumes.1.secret.secretName"));
        InputSeal.zeroize(keys.privateKey());
    }

    private static Map<String, Object> settings(Properties p) {
        Map<String, Object> m = new HashMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
        return m;
    }

    private static Map<String, Integer> ports(Map<String, Object> container) {
        Map<String, Integer> m = new HashMap<>();
        for (Object p : (List<?>) container.get("ports")) m.put((String) ((Map<?, ?>) p).get("name"), (Integer) ((Map<?, ?>) p).get("containerPort"));
        return m;
    }

    private static List<?> sealItems(Map<String, Object> podSpec) {
        for (Object v : (List<?>) podSpec.get("volumes"))
            if ("seal".equals(((Map<?, ?>) v).get("name"))) return at(v, "secret.items");
        throw new AssertionError("no seal volume");
    }

    private static void assertNonRoot(Map<String, Object> podSpec, Map<String, Object> container) {
        assertEquals(true, at(podSpec, "securityContext.runAsNonRoot"));
        assertEquals(10001, (int) at(podSpec, "securityContext.runAsUser"));
        assertEquals(false, at(container, "securityContext.allowPrivilegeEscalation"));
        assertEquals(true, at(container, "securityContext.readOnlyRootFilesystem"));
        assertEquals(List.of("ALL"), at(container, "securityContext.capabilities.drop"));
    }
}
