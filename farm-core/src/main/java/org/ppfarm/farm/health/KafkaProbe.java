package org.ppfarm.farm.health;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What a farm node asks its Kafka brokers about its own health, through one long-lived {@link Admin} client (one
 * connection): whether they answer at all — a DescribeCluster request with a short timeout, the cheapest request
 * that needs a live broker — and how far the consumer groups the node belongs to lag behind their topics' ends.
 * Blocking; used by one thread ({@link FarmHealth}'s timer).
 */
final class KafkaProbe implements AutoCloseable {
    private final Admin admin;
    private final Map<String, List<String>> groupTopics;

    /**
     * @param clientProps the node's Kafka client properties (bootstrap servers, {@code kafka.client.*})
     * @param groupTopics the consumer groups whose lag to measure, each with the topics it consumes
     */
    KafkaProbe(Map<String, Object> clientProps, String clientId, Map<String, List<String>> groupTopics) {
        Map<String, Object> p = new HashMap<>(clientProps);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        this.admin = Admin.create(p);
        this.groupTopics = Map.copyOf(groupTopics);
    }

    /** Null when a broker answers within {@code timeout}; else why not, in one line. */
    String unreachable(Duration timeout) throws InterruptedException {
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                    .clusterId().get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException e) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            return c.getClass().getSimpleName() + ": " + c.getMessage();
        } catch (TimeoutException e) {
            return "no answer within " + timeout.toMillis() + " ms";
        }
    }

    /**
     * Records each group has not yet committed past, per topic: the sum over the topic's partitions of the end offset
     * less the group's committed offset (less the log start where the group has committed nothing there yet).
     *
     * @return group → topic → lag
     */
    Map<String, Map<String, Long>> lag(Duration timeout) throws InterruptedException, ExecutionException, TimeoutException {
        long t = timeout.toMillis();
        Map<String, Map<String, Long>> lag = new HashMap<>();
        for (Map.Entry<String, List<String>> g : groupTopics.entrySet()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(g.getKey())
                    .partitionsToOffsetAndMetadata().get(t, TimeUnit.MILLISECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>(), earliest = new HashMap<>();
            for (TopicDescription d : admin.describeTopics(g.getValue()).allTopicNames().get(t, TimeUnit.MILLISECONDS).values())
                for (TopicPartitionInfo p : d.partitions()) {
                    TopicPartition tp = new TopicPartition(d.name(), p.partition());
                    latest.put(tp, OffsetSpec.latest());
                    if (committed.get(tp) == null) earliest.put(tp, OffsetSpec.earliest());
                }
            Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get(t, TimeUnit.MILLISECONDS);
            Map<TopicPartition, ListOffsetsResultInfo> starts = earliest.isEmpty() ? Map.of()
                    : admin.listOffsets(earliest).all().get(t, TimeUnit.MILLISECONDS);
            Map<String, Long> byTopic = new HashMap<>();
            for (String topic : g.getValue()) byTopic.put(topic, 0L);
            for (Map.Entry<TopicPartition, ListOffsetsResultInfo> e : ends.entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                long from = c != null ? c.offset() : starts.get(e.getKey()).offset();
                byTopic.merge(e.getKey().topic(), Math.max(0, e.getValue().offset() - from), Long::sum);
            }
            lag.put(g.getKey(), byTopic);
        }
        return lag;
    }

    @Override
    public void close() { admin.close(Duration.ofSeconds(5)); }
}
