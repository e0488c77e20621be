package org.ppfarm.farm.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A Kafka consumer polled on its own daemon thread until {@link #close}: the scaffolding the farm's followers share.
 * A subclass says how it joins its topic ({@link #subscribe}: assigned partitions or a consumer-group member) and what
 * it does with each non-empty poll ({@link #handle}); this class runs the loop, tracks catching up, logs a follower
 * that stops, and closes the consumer.
 *
 * <p>Catching up: the subclass names the partitions it joined ({@link #catchUpTo}); the follower counts as caught up
 * once its position has reached each one's end offset of that moment. {@link #awaitCaughtUp} waits for that, so a
 * process can serve only once it knows what was on the topic at its start.
 *
 * <p>Threads: {@link #subscribe}, {@link #beforePoll}, {@link #handle}, {@link #beforeClose} and the catch-up
 * bookkeeping run on the follower's thread only (a {@link KafkaConsumer} is single-threaded); {@link #start},
 * {@link #awaitCaughtUp} and {@link #close} may be called from any thread.
 */
public abstract class KafkaFollower implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(200);

    protected final Logger log = LoggerFactory.getLogger(getClass());
    protected final KafkaConsumer<String, byte[]> consumer;
    private final String name;
    private final Thread thread;
    private volatile boolean running = true;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private Map<TopicPartition, Long> catchUp; // follower thread only; null until catchUpTo

    /**
     * @param consumerProps the consumer's complete configuration (keys are strings, values bytes)
     * @param name          for the thread and log lines, e.g. "state follower"
     * @param threadName    the thread's name
     */
    protected KafkaFollower(Map<String, Object> consumerProps, String name, String threadName) {
        this.consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new ByteArrayDeserializer());
        this.name = name;
        this.thread = Thread.ofPlatform().name(threadName).daemon().unstarted(this::run);
    }

    /** Joins the topic: assigns partitions and seeks, or subscribes as a group member. */
    protected abstract void subscribe() throws Exception;

    /** Acts on one poll's records (never empty). An exception stops the follower. */
    protected abstract void handle(ConsumerRecords<String, byte[]> records) throws Exception;

    /** Runs on the follower's thread before each poll (say, pausing or resuming partitions). */
    protected void beforePoll() {}

    /** Runs on the follower's thread after the loop ends, before the consumer is closed (say, a final commit). */
    protected void beforeClose() {}

    /** Whether the follower is still wanted: false once {@link #close} was called. */
    protected final boolean running() { return running; }

    /**
     * For a {@link #subscribe} that reads every record of {@code topic}: assigns all its partitions (not a group member),
     * from the beginning, and counts as caught up at their end offsets of now. Waits up to 60 s for a topic created a
     * moment ago to appear in the metadata.
     */
    protected final void followFromBeginning(String topic) throws InterruptedException {
        List<PartitionInfo> infos = List.of();
        for (long end = System.nanoTime() + Duration.ofSeconds(60).toNanos(); infos.isEmpty() && running(); Thread.sleep(100)) {
            infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            if (System.nanoTime() > end) throw new IllegalStateException("topic " + topic + " has no partitions");
        }
        List<TopicPartition> parts = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        catchUpTo(parts);
    }

    /** Counts as caught up once {@code parts} are read to their end offsets of now; only the first call counts. */
    protected final void catchUpTo(Collection<TopicPartition> parts) {
        if (catchUp == null) catchUp = new HashMap<>(consumer.endOffsets(parts));
    }

    /** Partitions no longer this follower's (revoked from a group member): nothing to catch up on them here. */
    protected final void forgetCatchUp(Collection<TopicPartition> parts) {
        if (catchUp != null) catchUp.keySet().removeAll(parts);
    }

    /** Counts the follower caught up once its position has reached every end offset of {@link #catchUpTo}. */
    private void checkCaughtUp() {
        if (catchUp == null || caughtUp.getCount() == 0) return;
        catchUp.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
        if (catchUp.isEmpty()) caughtUp.countDown();
    }

    /** Starts following; subclasses narrow the return type. */
    public KafkaFollower start() {
        thread.start();
        return this;
    }

    /** Waits until the records that were on the topic when this follower joined are handled. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        try {
            subscribe();
            while (running) {
                beforePoll();
                ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
                if (!records.isEmpty()) handle(records);
                checkCaughtUp();
            }
        } catch (WakeupException e) {
            if (running) log.error("{} woken unexpectedly", name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.error("{} stopped: {}", name, e.toString());
        } finally {
            try {
                beforeClose();
            } finally {
                consumer.close(Duration.ofSeconds(5));
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
