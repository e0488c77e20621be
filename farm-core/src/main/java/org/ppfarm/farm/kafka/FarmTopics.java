package org.ppfarm.farm.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.ppfarm.proto.v1.Priority;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * The farm's Kafka topic layout (docs/farm.md draws it). With prefix {@code p}:
 * <ul>
 *   <li>{@code p.jobs.high}, {@code p.jobs.normal}, {@code p.jobs.low} — one topic per priority, value
 *       {@code JobRecord} (input sealed), key the job id (spread over partitions) or the zkey hash (a circuit's jobs
 *       pinned to one partition, so one worker keeps its key resident). Workers consume all three in one group and
 *       take higher priorities first.</li>
 *   <li>{@code p.events} — value {@code JobEvent}, key the job id: workers report started / succeeded / failed.
 *       Coordinators consume it in their own group and turn the first terminal event of a job into its state.</li>
 *   <li>{@code p.state} — compacted, value {@code JobStateRecord}, key the job id: the authoritative state of every
 *       job. Coordinators replay it at start, so a restarted coordinator answers for jobs it never saw; workers
 *       follow it to skip cancelled and already-finished jobs. Every record carries the headers
 *       {@value #STATUS_HEADER}, {@value #ORIGIN_HEADER} and {@value #WEBHOOK_HEADER}, so followers can act without
 *       parsing the value (which holds the whole proof).</li>
 *   <li>{@code p.circuits} — the circuit registry: value {@code CircuitRecord}, key the circuit's name@version, one
 *       partition (one order for every registration), kept forever and not compacted. Every coordinator reads it from
 *       the beginning before serving; the first record of a name@version is that circuit. Compaction would keep a
 *       key's last record instead, so a losing registration of a race could replace the winner.</li>
 *   <li>{@code p.tenants} — compacted, value {@code TenantRecord}, key the tenant's name, one partition: the farm's
 *       tenants and the hashes of their API keys, written by {@code ppfarm tenants}; every coordinator follows it
 *       from the beginning (docs/security.md).</li>
 *   <li>{@code p.members} — one partition, kept an hour: every cluster member's heartbeat (key its cluster address,
 *       empty value) a few times a second; {@code FarmDowning}'s witness of which unreachable members are alive
 *       ({@code MemberHeartbeats}).</li>
 * </ul>
 */
public record FarmTopics(String prefix) {
    /**
     * {@code max.message.bytes} of the jobs topics the farm creates: 8 MiB, so a job's record holds a withdraw
     * {@code .wtns} (~1.2 MB, over Kafka's default of ~1 MB) with room to spare. Workers fetch up to this much per
     * partition. Topics that already exist keep their own setting; coordinators read it at start and refuse larger jobs.
     */
    public static final int JOB_RECORD_MAX_BYTES = 8 << 20;

    /** State-record header: the job's status as its proto enum number in decimal ASCII. */
    public static final String STATUS_HEADER = "ppfarm-status";
    /** State-record header: the writer's incarnation (unique per coordinator start), so a writer can skip its echo. */
    public static final String ORIGIN_HEADER = "ppfarm-origin";
    /**
     * State-record header: the job's webhook delivery state ({@code WebhookDelivery.State} enum number in decimal
     * ASCII; 0: the job has no webhook), so the webhook deliverer parses only the records of jobs with one.
     */
    public static final String WEBHOOK_HEADER = "ppfarm-webhook";

    public FarmTopics {
        if (prefix == null || !prefix.matches("[A-Za-z0-9._-]+"))
            throw new IllegalArgumentException("topic prefix '" + prefix + "': letters, digits, '.', '_' and '-' only");
    }

    public String jobs(Priority priority) {
        return prefix + ".jobs." + switch (priority) {
            case PRIORITY_HIGH -> "high";
            case PRIORITY_LOW -> "low";
            default -> "normal";
        };
    }

    /** The job topics, highest priority first. */
    public List<String> jobTopics() {
        return List.of(jobs(Priority.PRIORITY_HIGH), jobs(Priority.PRIORITY_NORMAL), jobs(Priority.PRIORITY_LOW));
    }

    /** 0 for the high topic, 1 normal, 2 low; -1 for a topic that is not a job topic. */
    public int rank(String topic) {
        return jobTopics().indexOf(topic);
    }

    public String events() { return prefix + ".events"; }

    public String state() { return prefix + ".state"; }

    public String circuits() { return prefix + ".circuits"; }

    public String tenants() { return prefix + ".tenants"; }

    public String members() { return prefix + ".members"; }

    /** Creates whichever of the topics do not exist yet. */
    public void ensure(Admin admin, int partitions, short replication) {
        List<NewTopic> topics = new ArrayList<>();
        for (String t : jobTopics())
            topics.add(new NewTopic(t, partitions, replication).configs(Map.of(
                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(JOB_RECORD_MAX_BYTES))));
        topics.add(new NewTopic(events(), partitions, replication));
        topics.add(new NewTopic(state(), partitions, replication).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "60000")));
        topics.add(new NewTopic(circuits(), 1, replication).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, "-1",
                TopicConfig.RETENTION_BYTES_CONFIG, "-1")));
        topics.add(new NewTopic(tenants(), 1, replication).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        topics.add(new NewTopic(members(), 1, replication).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, "3600000",
                TopicConfig.SEGMENT_MS_CONFIG, "600000")));
        for (NewTopic t : topics) {
            try {
                admin.createTopics(List.of(t)).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException))
                    throw new IllegalStateException("cannot create topic " + t.name() + ": " + e.getCause().getMessage(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted creating topic " + t.name(), e);
            }
        }
    }
}
