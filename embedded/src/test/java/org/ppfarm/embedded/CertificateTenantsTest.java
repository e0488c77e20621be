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
import org.ppfarm.coordinator.tenants.TenantAdmin;
import org.ppfarm.proto.v1.TenantQuotas;
import org.ppfarm.testkit.Artifacts;
import org.ppfarm.testkit.Eventually;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Client certificates naming tenants ({@code grpc.tls.client.tenant=cn}) on a coordinator requiring them and API
 * keys: a certificate whose CN is a tenant is that tenant without a key; one naming no tenant, or a revoked one, is
 * UNAUTHENTICATED; a key of another tenant than the certificate's is PERMISSION_DENIED. (Untrusted, expired and
 * missing certificates, and a plaintext client, fail the handshake: SecureFarmTest.)
 */
class CertificateTenantsTest {
    static TestBroker broker;
    static FarmFixture farm;
    static FarmFixture.Secured secure;
    static Coordinator coordinator;
    static TenantAdmin tenants;
    static ThrowawayCa ca;
    static Path dir;
    static Path caFile;
    static String bobKey;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start();
        farm = new FarmFixture(broker);
        secure = farm.secured("certificate tenants test CA");
        dir = secure.dir;
        ca = secure.ca;
        caFile = secure.caFile;
        tenants = secure.tenants;
        for (String cn : new String[] {"alice", "bob", "nobody", "carol", "root"}) ca.issue(cn).write(dir.resolve(cn + ".pem"), dir.resolve(cn + ".key"));
        tenants.add("alice", false, TenantQuotas.getDefaultInstance());
        bobKey = tenants.add("bob", false, TenantQuotas.getDefaultInstance());
        tenants.add("carol", false, TenantQuotas.getDefaultInstance());
        tenants.add("root", true, TenantQuotas.getDefaultInstance());
        Map<String, Object> settings = new HashMap<>(secure.clientCertificatesRequired());
        settings.put(CoordinatorConfig.GRPC_TLS_CLIENT_TENANT, CoordinatorConfig.CLIENT_TENANT_CN);
        coordinator = secure.start(settings);
        try (FarmClient admin = client("root", null)) { // an admin by its certificate alone
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

    /** A client presenting {@code cn}'s certificate, with {@code apiKey} (null: none), failing at once. */
    static FarmClient client(String cn, String apiKey) {
        FarmClient.Builder b = FarmClient.builder("127.0.0.1:" + coordinator.port()).retry(RetryPolicy.NONE).deadline(Duration.ofSeconds(10))
                .tls(caFile).clientCertificate(dir.resolve(cn + ".pem"), dir.resolve(cn + ".key"));
        if (apiKey != null) b.apiKey(apiKey);
        return b.build();
    }

    static Status.Code refusal(String cn, String apiKey) {
        try (FarmClient c = client(cn, apiKey)) {
            return assertThrows(FarmException.class, () -> c.submit(SecureFarmTest.job(1, null))).code();
        }
    }

    @Test
    void aCertificateNamingATenantIsThatTenantWithoutAKey() {
        try (FarmClient c = client("alice", null)) {
            String id = c.submit(SecureFarmTest.job(2, null)).getJobId();
            assertEquals("alice", c.get(id).getTenant());
        }
        try (FarmClient c = client("bob", bobKey)) {
            assertEquals("bob", c.get(c.submit(SecureFarmTest.job(3, null)).getJobId()).getTenant(), "a key of the certificate's own tenant");
        }
    }

    @Test
    void aCertificateNamingNoTenantIsUnauthenticated() {
        long before = coordinator.authFailures("unknown_tenant");
        assertEquals(Status.Code.UNAUTHENTICATED, refusal("nobody", null));
        assertEquals(before + 1, coordinator.authFailures("unknown_tenant"));
    }

    @Test
    void aCertificateOfARevokedTenantIsUnauthenticated() throws Exception {
        tenants.revoke("carol");
        Eventually.await("carol's certificate to be refused", Duration.ofSeconds(10), () -> {
            try (FarmClient c = client("carol", null)) {
                c.circuits();
                return false;
            } catch (FarmException e) {
                return e.code() == Status.Code.UNAUTHENTICATED;
            }
        });
    }

    @Test
    void anotherTenantsKeyOverACertificateIsPermissionDenied() {
        assertEquals(Status.Code.PERMISSION_DENIED, refusal("alice", bobKey));
    }
}
