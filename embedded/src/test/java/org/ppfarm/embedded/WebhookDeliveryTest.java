package org.ppfarm.embedded;

import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpServer;
import io.grpc.Status;
import org.junit.jupiter.api.Test;
import org.ppfarm.broker.TestBroker;
import org.ppfarm.client.FarmClient;
import org.ppfarm.client.FarmException;
import org.ppfarm.coordinator.Coordinator;
import org.ppfarm.coordinator.config.CoordinatorConfig;
import org.ppfarm.coordinator.kafka.FarmFixture;
import org.ppfarm.coordinator.kafka.KafkaJobLog;
import org.ppfarm.coordinator.tenants.TenantAdmin;
import org.ppfarm.coordinator.webhooks.WebhookSender;
import org.ppfarm.farm.kafka.FarmTopics;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobStatus;
import org.ppfarm.proto.v1.SubmitRequest;
import org.ppfarm.proto.v1.TenantQuotas;
import org.ppfarm.proto.v1.WebhookDelivery;
import org.ppfarm.testkit.Artifacts;
import org.ppfarm.testkit.Eventually;
import org.ppfarm.worker.Worker;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A job's webhook end to end: a tenant given a webhook secret and allowlist by {@link TenantAdmin}, a job proved by a
 * real worker, its final state POSTed to a real local HTTP server that answers 500 first — retried, signed with the
 * tenant's secret (the receiver recomputes the signature), and the delivery recorded in the job; a callback host not
 * on the allowlist is refused at submission; a job whose terminal state was written without its webhook (by a
 * coordinator that had not read its QUEUED state) is delivered with the webhook of that QUEUED state, also by the
 * next coordinator to hold the partition when the first stopped in between. The sender's
 * refusals of private and redirect targets are WebhookSenderTest's. A webhook written while the coordinator knew no
 * tenant with webhooks (its deliverer paused) is delivered once it learns one.
 */
class WebhookDeliveryTest {
    record Received(String signature, byte[] body) {}

    /** A started local receiver at {@code /hook} that records every POST into {@code got} and answers 500 to the first {@code failing}. */
    static HttpServer receiver(List<Received> got, int failing) throws java.io.IOException {
        AtomicInteger calls = new AtomicInteger();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", x -> {
            got.add(new Received(x.getRequestHeaders().getFirst(WebhookSender.SIGNATURE_HEADER), x.getRequestBody().readAllBytes()));
            x.sendResponseHeaders(calls.getAndIncrement() < failing ? 500 : 200, -1);
            x.close();
        });
        receiver.start();
        return receiver;
    }

    static String url(HttpServer receiver) { return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook"; }

    @Test
    void aFinishedJobsWebhookIsSignedRetriedAfterA500AndRecordedInTheJob() throws Exception {
        List<Received> got = new CopyOnWriteArrayList<>();
        HttpServer receiver = receiver(got, 1);
        String url = url(receiver);
        try (TestBroker broker = TestBroker.start(); FarmFixture farm = new FarmFixture(broker);
             TenantAdmin tenants = new TenantAdmin(Map.of("bootstrap.servers", broker.bootstrapServers()), new FarmTopics(farm.prefix), 4, (short) 1)) {
            String key = tenants.add("hooks", true, TenantQuotas.getDefaultInstance());
            String secret = tenants.webhook("hooks", List.of("127.0.0.1"), true);
            try (Coordinator c = farm.startCoordinator(Map.of(CoordinatorConfig.AUTH_REQUIRED, "true"));
                 FarmClient client = FarmClient.builder("127.0.0.1:" + c.port()).apiKey(key).build()) {
                client.register("commitment", "1.0.2", Artifacts.commitmentZkey(), Artifacts.commitmentWasm(), Artifacts.commitmentVkey());
                SubmitRequest job = FarmEndToEndTest.commitment(FarmEndToEndTest.commitmentInput(401));
                FarmException unlisted = assertThrows(FarmException.class, () -> client.submit(job.toBuilder().setCallbackUrl("http://example.org/hook").build()));
                assertEquals(Status.Code.PERMISSION_DENIED, unlisted.code());
                assertTrue(unlisted.getMessage().contains("allowlist"), unlisted.getMessage());

                Worker w = WorkerFixture.start(farm, c, "W", Map.of());
                try {
                    Job done = client.prove(job.toBuilder().setCallbackUrl(url).build(), Duration.ofSeconds(120));
                    assertEquals(JobStatus.JOB_STATUS_SUCCEEDED, done.getStatus());
                    Job recorded = Eventually.await("the webhook's delivery recorded", Duration.ofSeconds(60), () -> client.get(done.getJobId()),
                            j -> j.getWebhook().getState() != WebhookDelivery.State.STATE_PENDING);
                    assertEquals(WebhookDelivery.State.STATE_DELIVERED, recorded.getWebhook().getState(), recorded.getWebhook().toString());
                    assertEquals(2, recorded.getWebhook().getAttempts(), "the 500 was retried");
                    assertTrue(recorded.getWebhook().hasDeliveredAt());
                    assertEquals(2, got.size());
                    for (Received r : got) {
                        long t = Long.parseLong(r.signature().substring(2, r.signature().indexOf(',')));
                        assertEquals(WebhookSender.signature(secret.getBytes(StandardCharsets.US_ASCII), t, r.body()), r.signature());
                    }
                    Job.Builder body = Job.newBuilder();
                    JsonFormat.parser().merge(new String(got.getLast().body(), StandardCharsets.UTF_8), body);
                    assertEquals(done.toBuilder().clearWebhook().build(), body.build(), "the body: the job as Prove answered it, less its webhook state");

                    // a terminal state written by a coordinator that had not read the job's QUEUED state has no webhook
                    // (its header says so): the deliverer, which skips the records of jobs without one, still parses
                    // this one and delivers the webhook it read from the job's QUEUED state
                    String elsewhereId = UUID.randomUUID().toString();
                    Job queued = Job.newBuilder().setJobId(elsewhereId).setStatus(JobStatus.JOB_STATUS_QUEUED).setTenant("hooks")
                            .setCircuit(done.getCircuit()).setWebhook(WebhookDelivery.newBuilder().setUrl(url)
                                    .setState(WebhookDelivery.State.STATE_PENDING)).build();
                    try (KafkaJobLog elsewhere = new KafkaJobLog(Map.of("bootstrap.servers", broker.bootstrapServers()), "elsewhere",
                            new FarmTopics(farm.prefix), false, 1 << 20)) {
                        elsewhere.publishState(queued).get(30, TimeUnit.SECONDS);
                        elsewhere.publishState(done.toBuilder().setJobId(elsewhereId).clearWebhook().build()).get(30, TimeUnit.SECONDS);
                    }
                    Eventually.await("the webhook of a job finished elsewhere delivered", Duration.ofSeconds(60), got::size, n -> n == 3);
                    Job.Builder elsewhereBody = Job.newBuilder();
                    JsonFormat.parser().merge(new String(got.getLast().body(), StandardCharsets.UTF_8), elsewhereBody);
                    assertEquals(elsewhereId, elsewhereBody.getJobId());
                } finally {
                    w.close();
                }
            }
        } finally {
            receiver.stop(0);
        }
    }

    /**
     * The deliverer fetches nothing while no tenant has webhooks, and resumes from where it stopped, not from the end:
     * a job with a webhook written (as by a coordinator that learnt its tenant's allowlist first) while this
     * coordinator knew no tenant with webhooks stays PENDING — a deliverer that read it then would settle it as failed
     * (no secret) — and is delivered, signed, once this coordinator learns the tenant's webhooks.
     */
    @Test
    void aWebhookWrittenWhileNoTenantHadWebhooksIsDeliveredOnceOneHas() throws Exception {
        List<Received> got = new CopyOnWriteArrayList<>();
        HttpServer receiver = receiver(got, 0);
        try (TestBroker broker = TestBroker.start(); FarmFixture farm = new FarmFixture(broker);
             TenantAdmin tenants = new TenantAdmin(Map.of("bootstrap.servers", broker.bootstrapServers()), new FarmTopics(farm.prefix), 4, (short) 1)) {
            String key = tenants.add("late", false, TenantQuotas.getDefaultInstance());
            try (Coordinator c = farm.startCoordinator(Map.of(CoordinatorConfig.AUTH_REQUIRED, "true"));
                 FarmClient client = FarmClient.builder("127.0.0.1:" + c.port()).apiKey(key).build()) {
                String id = UUID.randomUUID().toString();
                Job queued = Job.newBuilder().setJobId(id).setStatus(JobStatus.JOB_STATUS_QUEUED).setTenant("late")
                        .setWebhook(WebhookDelivery.newBuilder().setUrl(url(receiver)).setState(WebhookDelivery.State.STATE_PENDING)).build();
                try (KafkaJobLog elsewhere = new KafkaJobLog(Map.of("bootstrap.servers", broker.bootstrapServers()), "elsewhere",
                        new FarmTopics(farm.prefix), false, 1 << 20)) {
                    elsewhere.publishState(queued).get(30, TimeUnit.SECONDS);
                    elsewhere.publishState(queued.toBuilder().setStatus(JobStatus.JOB_STATUS_FAILED).build()).get(30, TimeUnit.SECONDS);
                }
                // NOT_FOUND until the coordinator's state follower has read the job
                Eventually.await("the job's terminal state read by the coordinator", Duration.ofSeconds(30), () -> {
                    try {
                        return client.get(id).getStatus();
                    } catch (FarmException e) {
                        if (e.code() != Status.Code.NOT_FOUND) throw e;
                        return null;
                    }
                }, s -> s == JobStatus.JOB_STATUS_FAILED);
                // time for an unpaused deliverer (200 ms fetches) to read the record and settle the webhook as failed
                Thread.sleep(3_000);
                Job waiting = client.get(id);
                assertEquals(WebhookDelivery.State.STATE_PENDING, waiting.getWebhook().getState(), waiting.getWebhook().toString());
                assertEquals(0, got.size());

                String secret = tenants.webhook("late", List.of("127.0.0.1"), true);
                Job recorded = Eventually.await("the webhook delivered once the tenant has webhooks", Duration.ofSeconds(60), () -> client.get(id),
                        j -> j.getWebhook().getState() != WebhookDelivery.State.STATE_PENDING);
                assertEquals(WebhookDelivery.State.STATE_DELIVERED, recorded.getWebhook().getState(), recorded.getWebhook().toString());
                assertEquals(1, got.size());
                Received r = got.getFirst();
                long t = Long.parseLong(r.signature().substring(2, r.signature().indexOf(',')));
                assertEquals(WebhookSender.signature(secret.getBytes(StandardCharsets.US_ASCII), t, r.body()), r.signature());
            }
        } finally {
            receiver.stop(0);
        }
    }

    /**
     * At least once across a rebalance: a coordinator reads a job's QUEUED state with its webhook and stops before the
     * job ends; the terminal state is then written without the webhook (by a coordinator that had not read the QUEUED
     * state). The coordinator that gets the partition next must still deliver it — the first one's committed offset
     * did not pass the QUEUED state of a webhook it still owed, so the next one reads it.
     */
    @Test
    void aWebhookOwedWhenItsPartitionMovesIsDeliveredByTheNextOwner() throws Exception {
        List<Received> got = new CopyOnWriteArrayList<>();
        HttpServer receiver = receiver(got, 0);
        try (TestBroker broker = TestBroker.start(); FarmFixture farm = new FarmFixture(broker);
             TenantAdmin tenants = new TenantAdmin(Map.of("bootstrap.servers", broker.bootstrapServers()), new FarmTopics(farm.prefix), 4, (short) 1);
             KafkaJobLog elsewhere = new KafkaJobLog(Map.of("bootstrap.servers", broker.bootstrapServers()), "elsewhere",
                     new FarmTopics(farm.prefix), false, 1 << 20)) {
            String key = tenants.add("moved", false, TenantQuotas.getDefaultInstance());
            String secret = tenants.webhook("moved", List.of("127.0.0.1"), true);
            String id = UUID.randomUUID().toString();
            Job queued = Job.newBuilder().setJobId(id).setStatus(JobStatus.JOB_STATUS_QUEUED).setTenant("moved")
                    .setWebhook(WebhookDelivery.newBuilder().setUrl(url(receiver)).setState(WebhookDelivery.State.STATE_PENDING)).build();
            try (Coordinator first = farm.startCoordinator(Map.of(CoordinatorConfig.AUTH_REQUIRED, "true"));
                 FarmClient client = FarmClient.builder("127.0.0.1:" + first.port()).apiKey(key).build()) {
                elsewhere.publishState(queued).get(30, TimeUnit.SECONDS);
                Eventually.await("the QUEUED state read by the first coordinator", Duration.ofSeconds(30), () -> {
                    try {
                        return client.get(id).getStatus();
                    } catch (FarmException e) {
                        if (e.code() != Status.Code.NOT_FOUND) throw e;
                        return null;
                    }
                }, s -> s == JobStatus.JOB_STATUS_QUEUED);
                // time for its deliverer (200 ms fetches, commits at least every second) to read and commit past it
                Thread.sleep(3_000);
            } // stops, committing what it may
            elsewhere.publishState(queued.toBuilder().setStatus(JobStatus.JOB_STATUS_FAILED).clearWebhook().build()).get(30, TimeUnit.SECONDS);
            try (Coordinator next = farm.startCoordinator(Map.of(CoordinatorConfig.AUTH_REQUIRED, "true"))) {
                Eventually.await("the owed webhook delivered by the partition's next owner", Duration.ofSeconds(60), got::size, n -> n >= 1);
                Received r = got.getFirst();
                long t = Long.parseLong(r.signature().substring(2, r.signature().indexOf(',')));
                assertEquals(WebhookSender.signature(secret.getBytes(StandardCharsets.US_ASCII), t, r.body()), r.signature());
                Job.Builder body = Job.newBuilder();
                JsonFormat.parser().merge(new String(r.body(), StandardCharsets.UTF_8), body);
                assertEquals(id, body.getJobId());
                assertEquals(JobStatus.JOB_STATUS_FAILED, body.getStatus());
            }
        } finally {
            receiver.stop(0);
        }
    }
}
