package org.ppfarm.embedded;

import io.grpc.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ppfarm.broker.TestBroker;
import org.ppfarm.client.FarmClient;
import org.ppfarm.client.FarmException;
import org.ppfarm.client.RetryPolicy;
import org.ppfarm.coordinator.Coordinator;
import org.ppfarm.coordinator.config.CoordinatorConfig;
import org.ppfarm.coordinator.kafka.FarmFixture;
import org.ppfarm.coordinator.tenants.ApiKeys;
import org.ppfarm.coordinator.tenants.TenantAdmin;
import org.ppfarm.farm.artifacts.ArtifactDownloads;
import org.ppfarm.farm.cluster.NodeTls;
import org.ppfarm.farm.config.ClusterTls;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobStatus;
import org.ppfarm.proto.v1.SubmitBatchResponse;
import org.ppfarm.proto.v1.SubmitRequest;
import org.ppfarm.proto.v1.SubmitResponse;
import org.ppfarm.proto.v1.TenantQuotas;
import org.ppfarm.testkit.Artifacts;
import org.ppfarm.testkit.Eventually;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The secured API on a real broker and real TLS over loopback: a coordinator with a certificate from a throwaway CA,
 * client certificates required (mTLS), API keys required; tenants written to the tenants topic by
 * {@link TenantAdmin}, as {@code ppfarm tenants} does; the Artifacts port on mutual TLS ({@code cluster.tls.*}). No
 * worker: jobs stay QUEUED, which is all tenancy needs. Each refusal is asserted with its status; renewed certificates
 * of both ports are served without a restart.
 */
class SecureFarmTest {
    static TestBroker broker;
    static FarmFixture farm;
    static FarmFixture.Secured secure;
    static Coordinator coordinator;
    static TenantAdmin tenants;
    static ThrowawayCa ca;
    static Path dir;
    static Path caFile;
    static Path clientCert;
    static Path clientKey;
    static String alice;
    static String bob;
    static String root;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start();
        farm = new FarmFixture(broker);
        secure = farm.secured("secure farm test CA");
        dir = secure.dir;
        ca = secure.ca;
        caFile = secure.caFile;
        tenants = secure.tenants;
        clientCert = dir.resolve("client.pem");
        clientKey = dir.resolve("client.key");
        ca.issue("client").write(clientCert, clientKey);
        alice = tenants.add("alice", false, TenantQuotas.getDefaultInstance());
        bob = tenants.add("bob", false, TenantQuotas.getDefaultInstance());
        root = tenants.add("root", true, TenantQuotas.getDefaultInstance());
        // the farm's private network (the Artifacts port) on its own CA's files
        ca.issue("coordinator node").write(dir.resolve("node.pem"), dir.resolve("node.key"));
        ca.issue("worker node").write(dir.resolve("member.pem"), dir.resolve("member.key"));
        ca.writeCertificate(dir.resolve("cluster-ca.pem"));
        Map<String, Object> settings = new HashMap<>(secure.clientCertificatesRequired());
        settings.putAll(Map.of(CoordinatorConfig.GRPC_TLS_RELOAD_MS, "200",
                ClusterTls.CERT_FILE, dir.resolve("node.pem").toString(),
                ClusterTls.KEY_FILE, dir.resolve("node.key").toString(),
                ClusterTls.CA_FILE, dir.resolve("cluster-ca.pem").toString(),
                ClusterTls.RELOAD_MS, "200"));
        coordinator = secure.start(settings);
        try (FarmClient admin = client(root)) {
            admin.register("commitment", "1.0.2", Artifacts.commitmentZkey(), Artifacts.commitmentWasm(), Artifacts.commitmentVkey());
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (coordinator != null) coordinator.close();
        if (secure != null) secure.close();
        if (farm != null) farm.close();
        if (broker != null) broker.close();
    }

    /** A TLS + client-certificate client with {@code apiKey} (null: none), failing at once instead of retrying. */
    static FarmClient client(String apiKey) {
        return client(apiKey, b -> b.tls(caFile).clientCertificate(clientCert, clientKey));
    }

    static FarmClient client(String apiKey, Consumer<FarmClient.Builder> transport) {
        FarmClient.Builder b = FarmClient.builder("127.0.0.1:" + coordinator.port()).retry(RetryPolicy.NONE).deadline(Duration.ofSeconds(10));
        transport.accept(b);
        if (apiKey != null) b.apiKey(apiKey);
        return b.build();
    }

    static Status.Code refusal(FarmClient c, Consumer<FarmClient> call) {
        try (c) {
            return assertThrows(FarmException.class, () -> call.accept(c)).code();
        }
    }

    static SubmitRequest job(long i, String idempotencyKey) {
        SubmitRequest r = FarmEndToEndTest.commitment(FarmEndToEndTest.commitmentInput(i));
        return idempotencyKey == null ? r : r.toBuilder().setIdempotencyKey(idempotencyKey).build();
    }

    @Test
    void aCallWithoutAKeyIsUnauthenticated() {
        long before = coordinator.authFailures("missing");
        assertEquals(Status.Code.UNAUTHENTICATED, refusal(client(null), FarmClient::circuits));
        assertEquals(before + 1, coordinator.authFailures("missing"));
    }

    @Test
    void aWrongOrMalformedKeyIsUnauthenticatedAndNamesNoTenant() {
        String forged = ApiKeys.generate("alice"); // alice's name, another secret
        FarmException wrong;
        try (FarmClient c = client(forged)) {
            wrong = assertThrows(FarmException.class, c::circuits);
        }
        assertEquals(Status.Code.UNAUTHENTICATED, wrong.code());
        FarmException unknown;
        try (FarmClient c = client(ApiKeys.generate("nobody"))) {
            unknown = assertThrows(FarmException.class, c::circuits);
        }
        // one answer whether the tenant exists or not
        assertEquals(wrong.status().getDescription(), unknown.status().getDescription());
        assertFalse(wrong.getMessage().contains(forged.substring(forged.lastIndexOf('.') + 1)));
        assertEquals(Status.Code.UNAUTHENTICATED, refusal(client("not-a-key"), FarmClient::circuits));
        assertTrue(coordinator.authFailures("wrong_key") >= 1);
        assertTrue(coordinator.authFailures("unknown_tenant") >= 1);
        assertTrue(coordinator.authFailures("malformed") >= 1);
    }

    @Test
    void aRevokedKeyIsUnauthenticatedAndARotatedOneReplacesTheOld() throws Exception {
        String key = tenants.add("mallory", false, TenantQuotas.getDefaultInstance());
        Eventually.await("the coordinator to read mallory", Duration.ofSeconds(10), () -> known(key));
        String rotated = tenants.rotate("mallory");
        Eventually.await("the old key to stop working", Duration.ofSeconds(10), () -> !known(key));
        assertTrue(known(rotated));
        tenants.revoke("mallory");
        Eventually.await("the revoked key to stop working", Duration.ofSeconds(10), () -> !known(rotated));
        assertEquals(Status.Code.UNAUTHENTICATED, refusal(client(rotated), FarmClient::circuits));
        assertTrue(coordinator.authFailures("revoked") >= 1);
    }

    private static boolean known(String key) {
        try (FarmClient c = client(key)) {
            c.circuits();
            return true;
        } catch (FarmException e) {
            assertEquals(Status.Code.UNAUTHENTICATED, e.code());
            return false;
        }
    }

    @Test
    void registeringACircuitNeedsTheAdminRight() {
        assertEquals(Status.Code.PERMISSION_DENIED, refusal(client(alice), c -> c.register("commitment", "9.9.9",
                Artifacts.commitmentZkey(), Artifacts.commitmentWasm(), Artifacts.commitmentVkey())));
        assertTrue(coordinator.authFailures("denied") >= 1);
    }

    @Test
    void anotherTenantsJobIsNotFoundForGetWatchAndCancel() {
        String jobId;
        try (FarmClient a = client(alice)) {
            jobId = a.submit(job(1, null)).getJobId();
            assertEquals("alice", a.get(jobId).getTenant());
        }
        FarmException missing;
        try (FarmClient b = client(bob)) {
            FarmException get = assertThrows(FarmException.class, () -> b.get(jobId));
            assertEquals(Status.Code.NOT_FOUND, get.code());
            assertEquals(Status.Code.NOT_FOUND, assertThrows(FarmException.class, () -> b.watch(jobId).findFirst()).code());
            assertEquals(Status.Code.NOT_FOUND, assertThrows(FarmException.class, () -> b.cancel(jobId)).code());
            // bob's answer for alice's job is the answer for a job that does not exist
            String none = java.util.UUID.randomUUID().toString();
            missing = assertThrows(FarmException.class, () -> b.get(none));
            assertEquals(get.status().getDescription().replace(jobId, none), missing.status().getDescription());
        }
        try (FarmClient a = client(alice)) {
            assertEquals(JobStatus.JOB_STATUS_QUEUED, a.get(jobId).getStatus(), "bob's cancel changed nothing");
            Job cancelled = a.cancel(jobId);
            assertEquals(JobStatus.JOB_STATUS_CANCELLED, cancelled.getStatus());
        }
    }

    @Test
    void idempotencyKeysAreEachTenantsOwn() {
        SubmitResponse first;
        try (FarmClient a = client(alice)) {
            first = a.submit(job(10, "shared-key"));
            assertEquals(first.getJobId(), a.submit(job(10, "shared-key")).getJobId(), "alice's retry finds her job");
        }
        try (FarmClient b = client(bob)) {
            // bob's batch uses alice's key for her request and for another: both are bob's own new jobs
            SubmitBatchResponse r = b.submitBatch(List.of(job(10, "shared-key"), job(11, "other-key")), false, Duration.ofSeconds(10));
            assertEquals(2, r.getResultsCount());
            assertTrue(r.getResults(0).hasSubmitted(), () -> r.getResults(0).toString());
            assertFalse(r.getResults(0).getSubmitted().getExisting());
            assertNotEquals(first.getJobId(), r.getResults(0).getSubmitted().getJobId());
            assertEquals("bob", b.get(r.getResults(0).getSubmitted().getJobId()).getTenant());
            // and a different request under the same key string is no conflict with alice's
            SubmitBatchResponse other = b.submitBatch(List.of(job(12, "shared-key")), false, Duration.ofSeconds(10));
            assertEquals(Status.Code.ALREADY_EXISTS.value(), other.getResults(0).getError().getCode(), "bob's own key, reused by bob");
        }
        try (FarmClient a = client(alice)) {
            SubmitBatchResponse r = a.submitBatch(List.of(job(10, "shared-key"), job(13, "other-key")), false, Duration.ofSeconds(10));
            assertTrue(r.getResults(0).getSubmitted().getExisting());
            assertEquals(first.getJobId(), r.getResults(0).getSubmitted().getJobId());
            assertFalse(r.getResults(1).getSubmitted().getExisting(), "bob's other-key is not alice's");
        }
    }

    @Test
    void aTenantOverItsQuotaIsRefusedResourceExhaustedNamingIt() throws Exception {
        String key = tenants.add("limited", false, TenantQuotas.newBuilder().setJobsPerSecond(0.01).setBurst(2).setMaxBatch(2)
                .setMaxPriority(org.ppfarm.proto.v1.Priority.PRIORITY_NORMAL).build());
        Eventually.await("the coordinator to read tenant limited", Duration.ofSeconds(10), () -> known(key));
        try (FarmClient c = client(key)) {
            FarmException batch = assertThrows(FarmException.class, () -> c.submitBatch(List.of(job(20, null), job(21, null), job(22, null)),
                    false, Duration.ofSeconds(10)));
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, batch.code());
            assertTrue(batch.getMessage().contains("max_batch"), batch.getMessage());
            assertTrue(assertThrows(FarmException.class, () -> c.submit(job(23, null).toBuilder()
                    .setPriority(org.ppfarm.proto.v1.Priority.PRIORITY_HIGH).build())).getMessage().contains("max_priority"));
            c.submit(job(24, null));
            c.submit(job(25, null));
            FarmException rate = assertThrows(FarmException.class, () -> c.submit(job(26, null)));
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, rate.code());
            assertTrue(rate.getMessage().contains("jobs_per_second"), rate.getMessage());
            // quotas changed after `tenants add` apply without a restart
            tenants.quotas("limited", TenantQuotas.newBuilder().setMaxBatch(3).build());
            Eventually.await("the coordinator to apply tenant limited's new quotas", Duration.ofSeconds(10), () -> {
                try {
                    c.submitBatch(List.of(job(27, null), job(28, null), job(29, null)), false, Duration.ofSeconds(10));
                    return true;
                } catch (FarmException e) {
                    assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.code(), e.getMessage());
                    return false;
                }
            });
        }
    }

    /** Jobs in flight: this farm has no worker, so submitted jobs stay queued until cancelled. */
    @Test
    void aTenantAtItsJobsInFlightIsRefusedUntilOneFinishes() throws Exception {
        String key = tenants.add("busy", false, TenantQuotas.newBuilder().setMaxInFlight(2).build());
        Eventually.await("the coordinator to read tenant busy", Duration.ofSeconds(10), () -> known(key));
        try (FarmClient c = client(key)) {
            String first = c.submit(job(30, null)).getJobId();
            c.submit(job(31, null));
            FarmException full = assertThrows(FarmException.class, () -> c.submit(job(32, null)));
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, full.code());
            assertTrue(full.getMessage().contains("max_in_flight"), full.getMessage());
            try (FarmClient a = client(alice)) {
                a.submit(job(33, null)); // another tenant's jobs are not busy's
            }
            c.cancel(first);
            c.submit(job(32, null));
        }
    }

    /** Usage (no worker here, so no rows): a tenant reads its own, another tenant's only with the admin right. */
    @Test
    void aTenantReadsOnlyItsOwnUsage() {
        try (FarmClient a = client(alice)) {
            assertEquals(0, a.usage(null).getRowsCount());
            assertEquals(0, a.usage("alice").getRowsCount());
            FarmException other = assertThrows(FarmException.class, () -> a.usage("bob"));
            assertEquals(Status.Code.PERMISSION_DENIED, other.code());
            assertTrue(other.getMessage().contains("admin right"), other.getMessage());
        }
        try (FarmClient r = client(root)) {
            assertEquals(0, r.usage("bob").getRowsCount());
        }
    }

    @Test
    void untrustedExpiredOrMissingClientCertificatesFailTheHandshake() throws Exception {
        ThrowawayCa other = ThrowawayCa.create("another CA");
        other.issue("stranger").write(dir.resolve("stranger.pem"), dir.resolve("stranger.key"));
        assertEquals(Status.Code.UNAVAILABLE, refusal(client(alice, b -> b.tls(caFile)
                .clientCertificate(dir.resolve("stranger.pem"), dir.resolve("stranger.key"))), FarmClient::circuits));
        Instant now = Instant.now();
        ca.issue("expired", now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1))).write(dir.resolve("expired.pem"), dir.resolve("expired.key"));
        assertEquals(Status.Code.UNAVAILABLE, refusal(client(alice, b -> b.tls(caFile)
                .clientCertificate(dir.resolve("expired.pem"), dir.resolve("expired.key"))), FarmClient::circuits));
        assertEquals(Status.Code.UNAVAILABLE, refusal(client(alice, b -> b.tls(caFile)), FarmClient::circuits));
        try (FarmClient c = client(alice)) {
            assertFalse(c.circuits().isEmpty(), "the CA's own client certificate is let in");
        }
    }

    @Test
    void aPlaintextClientAgainstTheTlsPortFails() {
        assertEquals(Status.Code.UNAVAILABLE, refusal(client(alice, b -> {}), FarmClient::circuits));
    }

    @Test
    void aRenewedServerCertificateIsServedWithoutARestart() throws Exception {
        ThrowawayCa renewed = ThrowawayCa.create("renewed CA");
        Path renewedCa = renewed.writeCertificate(dir.resolve("renewed-ca.pem"));
        assertEquals(Status.Code.UNAVAILABLE, refusal(client(alice, b -> b.tls(renewedCa).clientCertificate(clientCert, clientKey)),
                FarmClient::circuits), "before the renewal, the renewed CA is not the server's");
        renewed.issue("coordinator").write(dir.resolve("server.pem"), dir.resolve("server.key"));
        try {
            Eventually.await("the renewed certificate to be served", Duration.ofSeconds(20), () -> {
                try (FarmClient c = client(alice, b -> b.tls(renewedCa).clientCertificate(clientCert, clientKey))) {
                    c.circuits();
                    return "served";
                } catch (FarmException e) {
                    return e.getMessage();
                }
            }, "served"::equals);
        } finally {
            ca.issue("coordinator").write(dir.resolve("server.pem"), dir.resolve("server.key"));
            Eventually.await("the first CA's certificate back", Duration.ofSeconds(20), () -> {
                try (FarmClient c = client(alice)) {
                    c.circuits();
                    return true;
                } catch (FarmException e) {
                    return false;
                }
            });
        }
    }

    /**
     * The Artifacts port, as the API's: the coordinator's node certificate and the farm's CA renewed on disk (a new
     * CA) reach new connections without a restart, and a node still holding the old CA's certificate is refused.
     */
    @Test
    void aRenewedNodeCertificateIsServedOnTheArtifactsPortWithoutARestart() throws Exception {
        List<String> port = List.of("127.0.0.1:" + coordinator.artifactsPort());
        String unknown = "00".repeat(32);
        Path target = dir.resolve("artifact");
        ThrowawayCa renewed = ThrowawayCa.create("renewed cluster CA");
        Path renewedCa = renewed.writeCertificate(dir.resolve("renewed-cluster-ca.pem"));
        renewed.issue("worker node").write(dir.resolve("renewed-member.pem"), dir.resolve("renewed-member.key"));
        try (NodeTls old = NodeTls.pem(dir.resolve("member.pem"), dir.resolve("member.key"), dir.resolve("cluster-ca.pem"));
             NodeTls renewedMember = NodeTls.pem(dir.resolve("renewed-member.pem"), dir.resolve("renewed-member.key"), renewedCa)) {
            assertEquals("served", artifactsAnswer(old, port, unknown, target), "before the renewal, the old CA's node is served");
            assertNotEquals("served", artifactsAnswer(renewedMember, port, unknown, target), "before the renewal, the renewed CA is not the farm's");
            renewed.issue("coordinator node").write(dir.resolve("node.pem"), dir.resolve("node.key"));
            renewed.writeCertificate(dir.resolve("cluster-ca.pem"));
            Eventually.await("the renewed node certificate to be served", Duration.ofSeconds(20),
                    () -> artifactsAnswer(renewedMember, port, unknown, target), "served"::equals);
            String refused = artifactsAnswer(old, port, unknown, target);
            assertTrue(refused.contains("is unreachable") || refused.contains("UNAVAILABLE"), refused);
        }
    }

    /** "served" when the Artifacts port answers {@code tls}'s node (it knows no such artifact), else why not. */
    private static String artifactsAnswer(NodeTls tls, List<String> port, String sha256, Path target) throws Exception {
        try (ArtifactDownloads d = new ArtifactDownloads(tls)) {
            d.download(sha256, port, target);
            return "downloaded";
        } catch (ArtifactDownloads.DownloadException e) {
            return e.unknownEverywhere() ? "served" : e.getMessage();
        }
    }
}
