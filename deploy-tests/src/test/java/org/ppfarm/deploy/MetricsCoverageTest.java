package org.ppfarm.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.ppfarm.client.FarmClient;
import org.ppfarm.client.FarmException;
import org.ppfarm.coordinator.inputs.PoolProtocolInputs;
import org.ppfarm.embedded.EmbeddedFarm;
import org.ppfarm.gpukernels.GpuBackend;
import org.ppfarm.gpukernels.GpuFallbackProver;
import org.ppfarm.gpukernels.NativeKernels;
import org.ppfarm.proto.v1.CircuitRef;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobStatus;
import org.ppfarm.proto.v1.SubmitRequest;
import org.ppfarm.prover.groth16.Groth16Prover;
import org.ppfarm.testkit.Eventually;
import org.ppfarm.worker.pipeline.EnginePipeline;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No panel and no alert on a metric nobody exports: the farm {@code ppfarm up} runs (EmbeddedFarm), its worker
 * proving through the GPU fallback path on the host build of the CUDA kernels (so the GPU gauges exist, as on a GPU
 * worker), proves a job, fails one and refuses one; then every /metrics endpoint is scraped and each metric name in
 * deploy/grafana/ppfarm.json and deploy/prometheus/ppfarm-alerts.yaml must be among the series they export.
 */
class MetricsCoverageTest {
    /** PromQL words that are not metric names. */
    private static final Set<String> KEYWORDS = Set.of("by", "without", "and", "or", "unless", "on", "ignoring",
            "group_left", "group_right", "bool", "offset", "inf", "nan");

    /** The metric names an expression selects: label matchers, groupings, ranges, strings and functions removed. */
    static Set<String> metricNames(String expr) {
        String e = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?<![\\w.$])([a-zA-Z_:][\\w:]*)\\b(?!\\s*\\()").matcher(e);
        while (m.find()) if (!KEYWORDS.contains(m.group(1).toLowerCase())) names.add(m.group(1));
        return names;
    }

    static Set<String> used() throws Exception {
        Set<String> names = new TreeSet<>();
        for (JsonNode expr : new ObjectMapper().readTree(Files.readString(DeployFiles.deploy("grafana/ppfarm.json"))).findValues("expr"))
            names.addAll(metricNames(expr.asText()));
        Map<String, Object> rules = DeployFiles.document(DeployFiles.deploy("prometheus/ppfarm-alerts.yaml"));
        for (Object group : (List<?>) rules.get("groups"))
            for (Object rule : (List<?>) ((Map<?, ?>) group).get("rules"))
                names.addAll(metricNames((String) ((Map<?, ?>) rule).get("expr")));
        return names;
    }

    @Test
    void theExpressionParserFindsMetricNamesOnly() {
        assertEquals(Set.of("ppfarm_job_seconds_bucket"),
                metricNames("histogram_quantile(0.99, sum by (le, stage) (rate(ppfarm_job_seconds_bucket{topic=~\".+\\\\.jobs\"}[$__rate_interval]))) > 120"));
        assertEquals(Set.of("ppfarm_serving"), metricNames("(count(ppfarm_serving{component=\"worker\"} == 1) or vector(0)) == 0"));
    }

    @Test
    void everyMetricTheDashboardAndAlertsUseIsExported() throws Exception {
        Set<String> used = used();
        assertTrue(used.containsAll(Set.of("ppfarm_gpu_healthy", "ppfarm_serving", "ppfarm_kafka_consumer_lag_records",
                "ppfarm_worker_stage_seconds_bucket", "ppfarm_jobs_finished_total", "ppfarm_jobs_queued",
                "ppfarm_jobs_oldest_queued_age_seconds", "ppfarm_worker_verification_failures_total", "ppfarm_job_queued_seconds_bucket")),
                used.toString());

        Set<String> exported = new TreeSet<>();
        try (GpuBackend gpu = GpuBackend.on(NativeKernels.host(), 0, 0)) {
            GpuFallbackProver prover = new GpuFallbackProver(new Groth16Prover(gpu, gpu), gpu.name(), Groth16Prover.cpu(), "cpu");
            try (EmbeddedFarm farm = EmbeddedFarm.start(new EmbeddedFarm.Options(0, null, null, new EnginePipeline.Factory(prover), 1,
                    PoolProtocolInputs.INSTANCE));
                 FarmClient client = FarmClient.connect(farm.address())) {
                Job ok = client.prove(commitment("{\"value\":\"1000\",\"label\":\"77\",\"nullifier\":\"123456789\",\"secret\":\"987654321\"}"),
                        Duration.ofMinutes(3));
                assertEquals(JobStatus.JOB_STATUS_SUCCEEDED, ok.getStatus(), ok.toString());
                assertEquals(gpu.name(), ok.getResult().getBackend());
                // well-formed, but the circuit has no signal 'amount': the worker fails it
                String bad = client.submit(commitment("{\"value\":\"1\",\"label\":\"2\",\"nullifier\":\"3\",\"amount\":\"4\"}")).getJobId();
                Eventually.await("the bad job to fail", Duration.ofMinutes(2), () -> client.get(bad), j -> j.getStatus() == JobStatus.JOB_STATUS_FAILED);
                assertThrows(FarmException.class, () -> client.submit(SubmitRequest.newBuilder()
                        .setCircuit(CircuitRef.newBuilder().setName("nosuch@1")).setInputJson("{}").build()));

                List<String> urls = farm.metricsUrls();
                assertEquals(2, urls.size());
                HttpClient http = HttpClient.newHttpClient();
                for (String url : urls) {
                    // the consumer lag is measured every few seconds: wait for a measurement
                    String body = Eventually.await(url + " to report consumer lag", Duration.ofSeconds(60),
                            () -> http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body(),
                            b -> b.contains("\nppfarm_kafka_consumer_lag_records{"));
                    for (String line : body.split("\n"))
                        if (!line.isEmpty() && !line.startsWith("#")) exported.add(line.split("[{ ]", 2)[0]);
                }
            }
        }
        Set<String> missing = new TreeSet<>(used);
        missing.removeAll(exported);
        assertEquals(Set.of(), missing, "used by the dashboard or alerts, exported by no node; exported: " + exported);
    }

    private static SubmitRequest commitment(String json) {
        return SubmitRequest.newBuilder().setCircuit(CircuitRef.newBuilder().setName("commitment@1.0.2")).setInputJson(json).build();
    }
}
