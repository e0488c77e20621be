package org.ppfarm.coordinator.grpc;

import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ppfarm.broker.TestBroker;
import org.ppfarm.client.FarmClient;
import org.ppfarm.client.RetryPolicy;
import org.ppfarm.coordinator.Coordinator;
import org.ppfarm.coordinator.config.CoordinatorConfig;
import org.ppfarm.coordinator.kafka.FarmFixture;
import org.ppfarm.coordinator.tenants.ApiKeys;
import org.ppfarm.coordinator.tenants.TenantAdmin;
import org.ppfarm.proto.v1.ArtifactsGrpc;
import org.ppfarm.proto.v1.TenantQuotas;
import org.ppfarm.testkit.Artifacts;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link EdgeFuzzTest}'s cases against a secured coordinator (issue 16): TLS on the clients' port and API keys
 * required, each case sent by one of five callers in turn — an admin tenant's key, a plain tenant's key, a key that
 * names a tenant with a wrong secret, no key, and a plaintext client against the TLS port. The tenants' calls are
 * judged as in the plain test; the others must get exactly UNAUTHENTICATED (a bad or missing key) or UNAVAILABLE
 * (plaintext), promptly, with a description that holds no key. Two rounds: the process's live platform threads
 * (coordinator, broker, clients) after the second are no more than after the first (nothing leaks per call), and the
 * coordinator still serves a tenant afterwards.
 * The Artifacts service (the farm's private port, no API keys) is {@link EdgeFuzzTest}'s. Seeded as that test; {@code
 * -Dppfarm.fuzz.secure.cases=N} sets the cases per round (default 500, a few seconds).
 */
class SecureEdgeFuzzTest {
    static TestBroker broker;
    static FarmFixture farm;
    static Coordinator coordinator;
    static FarmFixture.Secured secure;
    static TenantAdmin tenants;
    static Path caFile;
    static String badKey;
    static final List<ManagedChannel> channels = new ArrayList<>();
    /** The callers, in the order cases take them: admin, tenant, bad key, no key, plaintext. */
    static final List<Channel> callers = new ArrayList<>();
    static String tenantKey;

    static final List<MethodDescriptor<?, ?>> PROVER = RawCalls.METHODS.stream()
            .filter(m -> !ArtifactsGrpc.SERVICE_NAME.equals(m.getServiceName())).toList();

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start();
        farm = new FarmFixture(broker);
        secure = farm.secured("fuzz test CA");
        caFile = secure.caFile;
        tenants = secure.tenants;
        String adminKey = tenants.add("root", true, TenantQuotas.getDefaultInstance());
        tenantKey = tenants.add("alice", false, TenantQuotas.getDefaultInstance());
        badKey = ApiKeys.generate("alice"); // alice's name, another secret
        coordinator = secure.start(Map.of(CoordinatorConfig.GRPC_MAX_MESSAGE_BYTES, "1000000"));
        try (FarmClient admin = client(adminKey)) { // the generators' known circuit hash is this farm's (classes run one at a time)
            EdgeFuzzTest.zkeySha = admin.register("commitment", "1", Artifacts.commitmentZkey(), Artifacts.commitmentWasm(),
                    Artifacts.commitmentVkey()).getZkeySha256();
        }
        ManagedChannel tls = channel(NettyChannelBuilder.forAddress("127.0.0.1", coordinator.port(),
                TlsChannelCredentials.newBuilder().trustManager(caFile.toFile()).build()));
        callers.add(withKey(tls, adminKey));
        callers.add(withKey(tls, tenantKey));
        callers.add(withKey(tls, badKey));
        callers.add(tls);
        callers.add(channel(NettyChannelBuilder.forAddress("127.0.0.1", coordinator.port()).usePlaintext()));
    }

    @AfterAll
    static void stop() throws Exception {
        for (ManagedChannel c : channels) c.shutdownNow();
        if (coordinator != null) coordinator.close();
        if (secure != null) secure.close();
        if (farm != null) farm.close();
        if (broker != null) broker.close();
    }

    static ManagedChannel channel(NettyChannelBuilder b) {
        ManagedChannel c = b.maxInboundMessageSize(64 << 20).build();
        channels.add(c);
        return c;
    }

    static Channel withKey(Channel c, String key) {
        Metadata h = new Metadata();
        h.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
        return ClientInterceptors.intercept(c, MetadataUtils.newAttachHeadersInterceptor(h));
    }

    static FarmClient client(String key) {
        return FarmClient.builder("127.0.0.1:" + coordinator.port()).tls(caFile).apiKey(key).retry(RetryPolicy.NONE)
                .deadline(Duration.ofSeconds(10)).build();
    }

    /** Which caller sends case {@code c}: every method meets every caller. */
    static int caller(EdgeFuzzTest.Case c) { return (c.index() / PROVER.size()) % 5; }

    /** Why the answer to {@code c} is wrong, or null: a tenant's as {@link EdgeFuzzTest#check}, the others' exact. */
    static String check(EdgeFuzzTest.Case c, RawCalls.Answer a) {
        int who = caller(c);
        if (who <= 1) return EdgeFuzzTest.check(c, a);
        Status.Code expected = who == 4 ? Status.Code.UNAVAILABLE : Status.Code.UNAUTHENTICATED;
        Status s = a.status();
        if (s.getCode() != expected) return "caller " + who + " answered " + s.getCode() + " (" + s.getDescription() + "), not " + expected;
        if (a.millis() >= EdgeFuzzTest.DEADLINE_MS / 2) return "refused only after " + a.millis() + " ms";
        if (s.getDescription() != null && s.getDescription().contains(badKey.substring(badKey.lastIndexOf('.') + 1)))
            return "the key's secret in: " + s.getDescription();
        return who == 4 ? null : ClientMessages.problem(s.getDescription(), c.allBytes());
    }

    @Test
    void authenticatedUnauthenticatedAndPlaintextCallsAreAnsweredPreciselyWithoutLeakingThreads() throws Exception {
        long seed = Long.getLong("ppfarm.fuzz.seed", System.nanoTime());
        int n = Integer.getInteger("ppfarm.fuzz.secure.cases", 500);
        EdgeFuzzTest.fuzz("SecureEdgeFuzzTest", seed, n, PROVER, c -> callers.get(caller(c)), SecureEdgeFuzzTest::check);
        int afterFirst = platformThreads();
        EdgeFuzzTest.fuzz("SecureEdgeFuzzTest", seed + 1, n, PROVER, c -> callers.get(caller(c)), SecureEdgeFuzzTest::check);
        int afterSecond = platformThreads();
        // pools sized by load may still grow a little; a per-call leak would add hundreds
        assertTrue(afterSecond <= afterFirst + 8, "platform threads: " + afterFirst + " after the first round, " + afterSecond + " after the second");
        try (FarmClient c = client(tenantKey)) {
            assertEquals(1, c.circuits().size(), "the coordinator still serves a tenant");
        }
    }

    /** Live platform threads once the pools have had a moment to settle. */
    static int platformThreads() throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(500);
        return Thread.getAllStackTraces().size();
    }
}
