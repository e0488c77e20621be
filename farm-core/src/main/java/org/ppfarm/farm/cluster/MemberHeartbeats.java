package org.ppfarm.farm.cluster;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.pekko.actor.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each cluster member's heartbeat on Kafka, the witness {@link FarmDowning} asks before it counts an unreachable member
 * as the other side of a split. Every member writes its cluster address to the farm's members topic
 * ({@code <prefix>.members}, one partition) every tenth of the window, and reads the topic from its end; a member is
 * {@link Heard#ALIVE} if one of its heartbeats came in within the window, {@link Heard#SILENT} if none did while this
 * node's own heartbeats kept coming back, and {@link Heard#UNKNOWN} while they do not (Kafka is no witness then).
 *
 * <p>Why: the downing rule cannot tell a crashed side from a cut-off one, so a tie (one coordinator and one worker on
 * each side, as when a worker and then the oldest of two coordinators die within one stable-after) used to keep the
 * oldest coordinator's side — the dead one — and the survivors downed themselves. Members that are unreachable in the
 * cluster <em>and</em> silent on Kafka for the whole window are dead or cut off from everything, and do not count.
 * Times are this node's own clock (when a heartbeat was read), never the writer's, so clock skew does not matter.
 */
public final class MemberHeartbeats implements AutoCloseable {
    /** What Kafka says of a member. */
    public enum Heard { ALIVE, SILENT, UNKNOWN }

    private static final Logger LOG = LoggerFactory.getLogger(MemberHeartbeats.class);
    private static final Map<ActorSystem, MemberHeartbeats> BY_SYSTEM = new ConcurrentHashMap<>();

    private final String self;
    private final String topic;
    private final long windowNanos;
    private final long intervalNanos;
    private final long startedAt = System.nanoTime();
    private final Map<String, Long> lastHeard = new ConcurrentHashMap<>();
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * Starts writing {@code self}'s heartbeats to {@code topic} and reading everyone's; {@code window} is how long a
     * member may be silent before it is {@link Heard#SILENT} (the farm uses the downing's stable-after).
     */
    public MemberHeartbeats(String self, Map<String, Object> kafka, String topic, Duration window) {
        this.self = self;
        this.topic = topic;
        this.windowNanos = window.toNanos();
        this.intervalNanos = Math.clamp(windowNanos / 10, 100_000_000L, 1_000_000_000L);
        long intervalMs = intervalNanos / 1_000_000;
        Map<String, Object> p = new HashMap<>(kafka);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "heartbeats-" + self);
        p.put(ProducerConfig.ACKS_CONFIG, "1");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, intervalMs); // never hold the loop longer than a beat
        // a beat is never retried (the next one follows), and a slow broker is waited for, not disconnected from
        p.put(ProducerConfig.RETRIES_CONFIG, 0);
        int request = (int) Math.max(5_000, window.toMillis());
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, request);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, request + 1_000);
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        Map<String, Object> c = new HashMap<>(kafka);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "heartbeats-" + self);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false); // no group: it reads from the end at every start
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = Thread.ofPlatform().daemon().name("heartbeats").unstarted(this::run);
        thread.start();
    }

    /** Starts {@code system}'s heartbeats, where its {@link FarmDowning} finds them; stopped when the system terminates. */
    public static MemberHeartbeats start(org.apache.pekko.actor.typed.ActorSystem<?> system, Map<String, Object> kafka, String topic) {
        ActorSystem classic = system.classicSystem();
        Duration window = classic.settings().config().getDuration(FarmDowning.STABLE_AFTER);
        MemberHeartbeats h = new MemberHeartbeats(system.address().toString(), kafka, topic, window);
        BY_SYSTEM.put(classic, h);
        system.getWhenTerminated().whenComplete((done, e) -> h.close());
        return h;
    }

    /** The heartbeats {@link #start} started for {@code system}; null if none were. */
    static MemberHeartbeats of(ActorSystem system) {
        return BY_SYSTEM.get(system);
    }

    /** What Kafka says of {@code member} (a cluster address as {@code pekko://system@host:port}) now. */
    public Heard heard(String member) {
        long now = System.nanoTime();
        Long own = lastHeard.get(self);
        if (own == null || now - own > windowNanos) return Heard.UNKNOWN;
        Long seen = lastHeard.get(member);
        return now - (seen != null ? seen : startedAt) > windowNanos ? Heard.SILENT : Heard.ALIVE;
    }

    private void run() {
        try {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            long next = System.nanoTime();
            while (running) {
                if (System.nanoTime() - next >= 0) {
                    next = System.nanoTime() + intervalNanos;
                    try {
                        producer.send(new ProducerRecord<>(topic, 0, self, new byte[0]));
                    } catch (RuntimeException e) { // the broker away longer than a beat: the next beat tries again
                        LOG.debug("heartbeat not sent: {}", e.toString());
                    }
                }
                long wait = Math.max(10, (next - System.nanoTime()) / 1_000_000);
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(wait)))
                    if (r.key() != null) lastHeard.put(r.key(), System.nanoTime());
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            if (running) LOG.warn("member heartbeats stopped ({}); the farm's downing goes without Kafka's witness", e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(1));
        }
    }

    @Override
    public void close() {
        if (!running) return;
        running = false;
        BY_SYSTEM.values().remove(this);
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(1));
    }
}
