package org.ppfarm.coordinator.webhooks;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.ppfarm.coordinator.tenants.TenantDirectory;
import org.ppfarm.farm.config.FarmConfigs;
import org.ppfarm.farm.jobs.JobStates;
import org.ppfarm.farm.kafka.FarmTopics;
import org.ppfarm.farm.kafka.KafkaFollower;
import org.ppfarm.farm.kafka.StateFollower;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobStateRecord;
import org.ppfarm.proto.v1.JobStatus;
import org.ppfarm.proto.v1.TenantRecord;
import org.ppfarm.proto.v1.WebhookDelivery;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Delivers webhooks: every coordinator follows the state topic in one consumer group ({@code <prefix>.webhooks}), so
 * each job's records — keyed by job id, one partition — are read by exactly one coordinator at a time. A terminal
 * state whose webhook is still PENDING is delivered ({@link WebhookSender}, signed with the tenant's secret as the
 * tenants topic holds it now), then its outcome is recorded as the job's new state (learnt by this coordinator's
 * tracker and written to the state topic), and only then is the offset committed. A coordinator that dies between a
 * terminal state and its commit leaves the record to the group's next owner of the partition, which delivers it
 * again: at least once. The outcome's own record comes back here with the webhook no longer PENDING and is skipped.
 *
 * <p>A terminal state may be written without the job's webhook (by a coordinator that had not read its QUEUED
 * state yet); it is delivered with the webhook of the QUEUED state read here. So that this holds across a
 * rebalance too, a partition's committed offset never passes the QUEUED state of a job whose webhook is still owed
 * ({@link #offsets}): the partition's next owner reads from there, learns the webhook and delivers it when the
 * terminal state comes. What is read again on the way was delivered already or is delivered again: at least once.
 *
 * <p>Deliveries run one at a time on the follower's thread (a slow receiver delays the next webhook of this
 * coordinator's partitions, not the farm's jobs).
 *
 * <p>While no tenant this coordinator knows has webhooks ({@link TenantDirectory#anyWebhooks}), its partitions are
 * paused (newly assigned ones before their first fetch): most farms have none, and fetching every state record for
 * nothing cost 10-20 µs of CPU per job (docs/benchmarks.md, "Session 11"). A paused partition keeps its position, so
 * once a tenant's webhooks are learnt it goes on from there, not from the end: a job with a webhook that another
 * coordinator accepted (having learnt the allowlist first) while this one was paused is read and delivered then.
 * ({@code ppfarm tenants} never takes webhooks away; were the only such tenant's record deleted by hand, its pending
 * webhooks would stay PENDING until some tenant has webhooks again.)
 */
public final class WebhookDeliverer extends KafkaFollower {
    /** Least time between commits of polls that delivered nothing. */
    private static final long COMMIT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Attempts per webhook; with the first backoff of 1 s the last comes about 31 s after the first. */
    public static final int ATTEMPTS = 6;

    private final String topic;
    private final TenantDirectory tenants;
    private final WebhookSender sender;
    private final Duration firstBackoff;
    private final Function<Job, CompletionStage<?>> record;
    /** A webhook owed for an unfinished job, from its QUEUED state at {@code offset} of partition {@code tp}. */
    private record Owed(WebhookDelivery webhook, TopicPartition tp, long offset) {}

    /**
     * Follower thread only: the webhooks of unfinished jobs read on this coordinator's partitions (from their QUEUED
     * states), for a terminal state written without one (a few hundred bytes each); dropped with their partition when
     * it moves to another coordinator, which reads them again from the committed offset.
     */
    private final Map<String, Owed> pending = new HashMap<>();
    /** Follower thread only: per partition, the offsets of {@link #pending}'s QUEUED states (offset → job id). */
    private final Map<TopicPartition, TreeMap<Long, String>> owedAt = new HashMap<>();
    private boolean settled = true; // follower thread only: every record polled so far is delivered or not due
    private long lastCommit = System.nanoTime(); // follower thread only

    /**
     * @param record learns a job's new state at this coordinator and writes it to the state topic; completes once
     *               it is durable
     */
    public WebhookDeliverer(Map<String, Object> clientProps, String clientId, String groupId, int sessionTimeoutMs, String topic,
                            TenantDirectory tenants, WebhookSender sender, Duration firstBackoff, Function<Job, CompletionStage<?>> record) {
        super(props(clientProps, clientId, groupId, sessionTimeoutMs), "webhook deliverer", clientId + "-webhooks");
        this.topic = topic;
        this.tenants = tenants;
        this.sender = sender;
        this.firstBackoff = firstBackoff;
        this.record = record;
    }

    private static Map<String, Object> props(Map<String, Object> clientProps, String clientId, String groupId, int sessionTimeoutMs) {
        // a poll's deliveries may each take minutes (timeouts, backoff) before the next poll. Nobody waits on a delivery
        // record by record (it waits seconds on its own retries): gather up to 64 KiB or 200 ms per fetch. Answering
        // every state record at once cost a fetch and a synchronous commit per record — two Kafka round trips (each
        // TLS-wrapped twice on a secured farm) in the very milliseconds a low-load job is submitted and answered
        // (docs/benchmarks.md, "Session 10")
        return FarmConfigs.memberProps(clientProps, clientId + "-webhooks", groupId, 100, sessionTimeoutMs,
                Map.of(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) TimeUnit.HOURS.toMillis(1),
                        ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 64 << 10,
                        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 200));
    }

    @Override
    public WebhookDeliverer start() {
        super.start();
        return this;
    }

    @Override
    protected void subscribe() {
        consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
            // its next owner reads the partition from the committed offset, at or before every QUEUED state owed here
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> parts) { forget(parts); }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> parts) { forget(parts); }

            // a newly assigned partition would be fetched in the same poll: paused here first if nothing is due
            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> parts) {
                if (!tenants.anyWebhooks()) consumer.pause(parts);
            }
        });
    }

    /** Pauses every partition while no tenant has webhooks; resumes them, from where they stopped, once one has. */
    @Override
    protected void beforePoll() {
        if (tenants.anyWebhooks()) {
            if (!consumer.paused().isEmpty()) consumer.resume(consumer.paused());
        } else if (consumer.paused().size() < consumer.assignment().size()) consumer.pause(consumer.assignment());
    }

    @Override
    protected void handle(ConsumerRecords<String, byte[]> records) throws Exception {
        settled = false;
        // a job's later record in the same poll supersedes an earlier one (a redelivered batch, a compaction gap)
        Map<String, Job> due = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            if (r.value() == null) { settle(r.key()); continue; }
            JobStatus status = StateFollower.status(r.headers().lastHeader(FarmTopics.STATUS_HEADER));
            // most jobs have no webhook: their records (a result's holds its whole proof) are not parsed, unless a
            // terminal one must take the webhook its QUEUED state had. A RUNNING state matters only with a webhook
            // (it owes it as the QUEUED state does, which compaction may remove once the RUNNING state follows)
            WebhookDelivery.State hook = StateFollower.webhookState(r.headers().lastHeader(FarmTopics.WEBHOOK_HEADER));
            if (status == JobStatus.JOB_STATUS_RUNNING && hook != WebhookDelivery.State.STATE_PENDING) continue;
            boolean parse = status == null || hook == null || hook == WebhookDelivery.State.STATE_PENDING
                    || (JobStates.terminal(status) && hook == WebhookDelivery.State.STATE_UNSPECIFIED && pending.containsKey(r.key()));
            if (!parse) {
                if (JobStates.terminal(status)) { settle(r.key()); due.remove(r.key()); } // as a parsed one without webhook
                continue;
            }
            Job job;
            try {
                job = JobStateRecord.parseFrom(r.value()).getJob();
            } catch (InvalidProtocolBufferException e) {
                log.warn("state topic {}-{}@{}: unreadable record skipped: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
                continue;
            }
            boolean hooked = job.getWebhook().getState() == WebhookDelivery.State.STATE_PENDING;
            if (!JobStates.terminal(job.getStatus())) {
                if (hooked) owe(job.getJobId(), job.getWebhook(), new TopicPartition(r.topic(), r.partition()), r.offset());
                continue;
            }
            // a terminal state written by a coordinator that had not read the job's QUEUED state lacks its webhook
            Owed submitted = settle(job.getJobId());
            if (!job.hasWebhook() && submitted != null) {
                job = job.toBuilder().setWebhook(submitted.webhook()).build();
                hooked = true;
            }
            if (hooked) due.put(job.getJobId(), job);
            else due.remove(job.getJobId());
        }
        for (Job job : due.values()) {
            if (!running()) return; // uncommitted: the partition's next owner delivers it
            Job done = deliver(job);
            try {
                record.apply(done).toCompletableFuture().get(60, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // not recorded, so not committed: read the batch again (its delivered webhooks go again: at least once)
                log.warn("webhook outcome of job {} not recorded ({}); its batch is read again", job.getJobId(), e.toString());
                for (TopicPartition tp : records.partitions()) consumer.seek(tp, records.records(tp).getFirst().offset());
                return;
            }
        }
        settled = true;
        // a delivery's outcome is recorded: commit it now. A poll that delivered nothing (most of them) commits at
        // most every COMMIT_INTERVAL_NANOS, asynchronously: a commit is a request to the group coordinator, and
        // records read again after a crash or a rebalance deliver nothing that was not due anyway
        long now = System.nanoTime();
        if (!due.isEmpty()) {
            consumer.commitSync(offsets(), Duration.ofSeconds(30));
            lastCommit = now;
        } else if (now - lastCommit >= COMMIT_INTERVAL_NANOS) {
            consumer.commitAsync(offsets(), (o, e) -> { if (e != null) log.debug("webhooks commit failed ({}); a later commit covers it", e.toString()); });
            lastCommit = now;
        }
    }

    /** Records that {@code jobId}'s webhook is owed, read from its QUEUED state at {@code offset} (a later one replaces it). */
    private void owe(String jobId, WebhookDelivery webhook, TopicPartition tp, long offset) {
        settle(jobId);
        pending.put(jobId, new Owed(webhook, tp, offset));
        owedAt.computeIfAbsent(tp, k -> new TreeMap<>()).put(offset, jobId);
    }

    /** The job is terminal (or deleted): its webhook, if one was owed, is no longer held here. */
    private Owed settle(String jobId) {
        Owed o = pending.remove(jobId);
        if (o != null) {
            TreeMap<Long, String> at = owedAt.get(o.tp());
            at.remove(o.offset());
            if (at.isEmpty()) owedAt.remove(o.tp());
        }
        return o;
    }

    private void forget(Collection<TopicPartition> parts) {
        for (TopicPartition tp : parts) {
            TreeMap<Long, String> at = owedAt.remove(tp);
            if (at != null) at.values().forEach(pending::remove);
        }
    }

    /**
     * What may be committed: each assigned partition's position, held back to its earliest QUEUED state whose
     * webhook is still owed. A partition without a position yet (assigned, not fetched) is left as committed.
     */
    private Map<TopicPartition, OffsetAndMetadata> offsets() {
        Map<TopicPartition, OffsetAndMetadata> m = new HashMap<>();
        for (TopicPartition tp : consumer.assignment()) {
            long position;
            try {
                position = consumer.position(tp, Duration.ZERO);
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                continue;
            }
            TreeMap<Long, String> at = owedAt.get(tp);
            m.put(tp, new OffsetAndMetadata(at == null ? position : Math.min(position, at.firstKey())));
        }
        return m;
    }

    /** Everything polled is delivered or not due: its offsets may be committed as the follower stops. */
    @Override
    protected void beforeClose() {
        try {
            if (settled) consumer.commitSync(offsets(), Duration.ofSeconds(5));
        } catch (Exception e) {
            log.debug("final webhooks commit failed: {}", e.toString());
        }
    }

    /** Delivers {@code job}'s webhook; returns the job with the delivery's outcome. */
    Job deliver(Job job) throws InterruptedException {
        WebhookDelivery w = job.getWebhook();
        TenantRecord t = tenants.record(job.getTenant());
        WebhookSender.Outcome o;
        if (t == null || t.getWebhookSecret().isEmpty() || t.getRevoked())
            o = new WebhookSender.Outcome(false, 0, "tenant " + job.getTenant() + " has no webhook secret (ppfarm tenants webhook) or is revoked");
        else {
            byte[] body = body(job);
            try {
                o = sender.deliver(URI.create(w.getUrl()), WebhookSender.Policy.of(t), t.getWebhookSecret().toByteArray(), body, ATTEMPTS, firstBackoff);
            } catch (IllegalArgumentException e) {
                o = new WebhookSender.Outcome(false, 0, "callback_url: not a URL");
            }
        }
        if (!o.delivered()) log.warn("webhook of job {} (tenant {}) not delivered after {} attempts: {}", job.getJobId(), job.getTenant(), o.attempts(), o.lastError());
        WebhookDelivery.Builder b = w.toBuilder().setAttempts(w.getAttempts() + o.attempts()).setLastError(o.lastError())
                .setState(o.delivered() ? WebhookDelivery.State.STATE_DELIVERED : WebhookDelivery.State.STATE_FAILED);
        if (o.delivered()) b.setDeliveredAt(Timestamps.fromMillis(System.currentTimeMillis()));
        return job.toBuilder().setWebhook(b).build();
    }

    /**
     * What a webhook POSTs: the job in the API's JSON mapping as GetJob answers it (no request digest), without its
     * webhook's own delivery state.
     */
    static byte[] body(Job job) {
        try {
            return JsonFormat.printer().omittingInsignificantWhitespace()
                    .print(job.toBuilder().clearRequestDigest().clearWebhook().build()).getBytes(StandardCharsets.UTF_8);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("job " + job.getJobId() + " cannot be printed as JSON", e);
        }
    }
}
