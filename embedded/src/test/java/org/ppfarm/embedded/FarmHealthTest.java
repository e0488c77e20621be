package org.ppfarm.embedded;

import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.ppfarm.broker.TestBroker;
import org.ppfarm.client.FarmClient;
import org.ppfarm.coordinator.Coordinator;
import org.ppfarm.coordinator.config.CoordinatorConfig;
import org.ppfarm.coordinator.kafka.FarmFixture;
import org.ppfarm.farm.config.FarmConfigs;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobStatus;
import org.ppfarm.proto.v1.ProverGrpc;
import org.ppfarm.testkit.Eventually;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Health that tells the truth and the metrics an operator reads, on a real broker with real proofs: /metrics after a
 * proof and a failed job; a real broker outage (the broker shut down and restarted on its port) seen by gRPC health,
 * /ready and the Kafka gauge of a coordinator and a worker; a coordinator's cluster node downed for real.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FarmHealthTest {
    static final HttpClient http = HttpClient.newHttpClient();
    static OneWorkerFarm live;
    static int workerMetricsPort;

    @BeforeAll
    static void start() throws Exception {
        live = OneWorkerFarm.monitored(TestBroker.startRestartable());
        workerMetricsPort = live.worker.metricsPort();
    }

    @AfterAll
    static void stop() throws Exception { live.close(); }

    @Test
    @Order(1)
    void metricsAfterAProofAndAFailure() throws Exception {
        Job ok = live.client.prove(FarmEndToEndTest.commitment(FarmEndToEndTest.commitmentInput(7100)), Duration.ofMinutes(2));
        assertEquals(JobStatus.JOB_STATUS_SUCCEEDED, ok.getStatus());
        // well-formed, but the circuit has no signal 'amount': the worker fails it with INVALID_ARGUMENT
        String failedId = live.client.submit(FarmEndToEndTest.commitment("{\"value\":\"1\",\"label\":\"2\",\"nullifier\":\"3\",\"amount\":\"4\"}"))
                .getJobId();
        Job failed = Eventually.await("the bad job to fail", Duration.ofMinutes(2), () -> live.client.get(failedId),
                j -> j.getStatus() == JobStatus.JOB_STATUS_FAILED);
        assertEquals(Status.Code.INVALID_ARGUMENT.value(), failed.getError().getCode());

        String events = live.farm.prefix + ".events", jobs = live.farm.prefix + ".jobs.normal";
        // the lag is measured every few seconds: wait for a measurement of both groups
        String c = Eventually.await("the coordinator's events lag", Duration.ofSeconds(30), () -> get(live.coordinator.metricsPort(), "/metrics").body(),
                b -> b.contains("ppfarm_kafka_consumer_lag_records{group=\"" + live.farm.prefix + ".coordinators\",topic=\"" + events + "\"}"));
        assertTrue(value(c, "ppfarm_kafka_consumer_lag_records{group=\"" + live.farm.prefix + ".coordinators\",topic=\"" + events + "\"}") >= 0);
        assertEquals(1, value(c, "ppfarm_jobs_failed_total{code=\"invalid_argument\"}"));
        assertEquals(1, value(c, "ppfarm_jobs_finished_total{status=\"succeeded\"}"));
        assertEquals(1, value(c, "ppfarm_cluster_members{role=\"coordinator\"}"));
        assertEquals(1, value(c, "ppfarm_cluster_members{role=\"worker\"}"));
        assertEquals(0, value(c, "ppfarm_cluster_unreachable_members{role=\"worker\"}"));
        assertEquals(1, value(c, "ppfarm_kafka_reachable"));
        assertEquals(1, value(c, "ppfarm_serving"));
        assertTrue(value(c, "jvm_memory_used_bytes{area=\"heap\"}") > 0, "JVM metrics");
        assertTrue(value(c, "process_cpu_seconds_total") > 0, "process metrics");

        String w = Eventually.await("the worker's jobs lag", Duration.ofSeconds(30), () -> get(workerMetricsPort, "/metrics").body(),
                b -> b.contains("ppfarm_kafka_consumer_lag_records{group=\"" + live.farm.prefix + ".workers\",topic=\"" + jobs + "\"}"));
        assertTrue(value(w, "ppfarm_kafka_consumer_lag_records{group=\"" + live.farm.prefix + ".workers\",topic=\"" + jobs + "\"}") >= 0);
        // zkey, wasm and vkey of the commitment circuit, fetched once each
        assertEquals(3, value(w, "ppfarm_worker_artifact_fetches_total{outcome=\"ok\"}"));
        assertTrue(value(w, "ppfarm_worker_artifact_fetch_bytes_total") > 100_000, "the commitment zkey alone is larger");
        assertEquals(1, value(w, "ppfarm_cluster_members{role=\"worker\"}"));
        assertEquals(1, value(w, "ppfarm_kafka_reachable"));
        assertTrue(value(w, "jvm_threads_current") > 0, "JVM metrics");

        assertEquals(200, get(live.coordinator.metricsPort(), "/ready").statusCode());
        assertEquals(200, get(live.coordinator.metricsPort(), "/live").statusCode());
        assertEquals(200, get(workerMetricsPort, "/ready").statusCode());
        assertEquals(404, get(workerMetricsPort, "/nothing").statusCode());
    }

    @Test
    @Order(2)
    void aBrokerOutageIsToldAndItsEndToo() throws Exception {
        assertEquals(ServingStatus.SERVING, grpcHealth(""));
        assertEquals(ServingStatus.SERVING, grpcHealth(ProverGrpc.SERVICE_NAME));
        live.broker.stop();
        try {
            Eventually.await("the coordinator's health to say NOT_SERVING", Duration.ofSeconds(15),
                    () -> grpcHealth("") == ServingStatus.NOT_SERVING && grpcHealth(ProverGrpc.SERVICE_NAME) == ServingStatus.NOT_SERVING);
            HttpResponse<String> ready = get(live.coordinator.metricsPort(), "/ready");
            assertEquals(503, ready.statusCode());
            assertTrue(ready.body().startsWith("kafka unreachable"), ready.body());
            assertEquals(0, value(get(live.coordinator.metricsPort(), "/metrics").body(), "ppfarm_kafka_reachable"));
            Eventually.await("the worker's /ready to fail", Duration.ofSeconds(15), () -> get(workerMetricsPort, "/ready").statusCode() == 503);
            assertEquals(200, get(live.coordinator.metricsPort(), "/live").statusCode(), "an outage is not a broken process");
            assertEquals(200, get(workerMetricsPort, "/live").statusCode());
        } finally {
            live.broker.restart();
        }
        Eventually.await("the coordinator's health to say SERVING again", Duration.ofSeconds(30),
                () -> grpcHealth("") == ServingStatus.SERVING && grpcHealth(ProverGrpc.SERVICE_NAME) == ServingStatus.SERVING);
        assertEquals(200, get(live.coordinator.metricsPort(), "/ready").statusCode());
        assertEquals(1, value(get(live.coordinator.metricsPort(), "/metrics").body(), "ppfarm_kafka_reachable"));
        Eventually.await("the worker's /ready to pass again", Duration.ofSeconds(30), () -> get(workerMetricsPort, "/ready").statusCode() == 200);
        Job ok = live.client.prove(FarmEndToEndTest.commitment(FarmEndToEndTest.commitmentInput(7101)), Duration.ofMinutes(2));
        assertEquals(JobStatus.JOB_STATUS_SUCCEEDED, ok.getStatus(), "the farm proves again after the outage");
    }

    @Test
    @Order(3)
    void aDownedCoordinatorIsBrokenAndItsPeerSeesItGo() throws Exception {
        try (FarmFixture other = new FarmFixture(live.broker);
             Coordinator b = other.startCoordinator(Map.of(CoordinatorConfig.METRICS_PORT, "0",
                     FarmConfigs.CLUSTER_SEED_NODES, live.coordinator.clusterAddress()))) {
            Eventually.await("the second coordinator to join", Duration.ofSeconds(30), () -> live.coordinator.clusterMembers("coordinator") == 2);
            Eventually.await("the second coordinator to serve", Duration.ofSeconds(15), () -> b.notServing() == null);
            assertEquals(2, value(get(live.coordinator.metricsPort(), "/metrics").body(), "ppfarm_cluster_members{role=\"coordinator\"}"));

            // what the farm's downing does to a losing side, done by hand: B's node is downed
            Address bAddress = AddressFromURIString.parse(b.clusterAddress());
            Cluster.get(live.coordinator.actorSystem()).manager().tell(new Down(bAddress));
            String why = b.broken().get(30, TimeUnit.SECONDS);
            assertTrue(why.contains("downed"), why);
            HttpResponse<String> bLive = get(b.metricsPort(), "/live");
            assertEquals(503, bLive.statusCode());
            assertTrue(bLive.body().startsWith("broken: "), bLive.body());
            assertEquals(503, get(b.metricsPort(), "/ready").statusCode());
            try (FarmClient bc = FarmFixture.client(b)) {
                assertEquals(ServingStatus.NOT_SERVING, HealthGrpc.newBlockingStub(bc.channel())
                        .check(HealthCheckRequest.newBuilder().setService(ProverGrpc.SERVICE_NAME).build()).getStatus());
            }
            Eventually.await("the first coordinator's gauge to drop", Duration.ofSeconds(30),
                    () -> value(get(live.coordinator.metricsPort(), "/metrics").body(), "ppfarm_cluster_members{role=\"coordinator\"}") == 1);
            assertEquals(null, live.coordinator.notServing(), "the survivor serves");
        }
    }

    private static ServingStatus grpcHealth(String service) {
        try {
            return HealthGrpc.newBlockingStub(live.client.channel()).withDeadlineAfter(5, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
        } catch (io.grpc.StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED) return ServingStatus.UNKNOWN;
            throw e;
        }
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The value of one sample in Prometheus text format, by its exact name and labels. */
    private static double value(String metrics, String sample) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$").matcher(metrics);
        assertTrue(m.find(), "no sample " + sample + " in:\n" + metrics);
        return Double.parseDouble(m.group(1));
    }
}
