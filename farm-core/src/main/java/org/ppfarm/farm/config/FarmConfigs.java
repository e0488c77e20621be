package org.ppfarm.farm.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.ppfarm.farm.cluster.FarmDowning;
import org.ppfarm.farm.kafka.FarmTopics;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeSet;

/**
 * The Kafka and Pekko cluster settings coordinators and workers share, and the helpers that turn them into client
 * properties and an actor system's config. How the clients reach the brokers (TLS, SCRAM) is {@link KafkaSecurity}'s
 * keys; any other key under {@code kafka.client.} is passed to every Kafka client with the prefix removed (e.g.
 * {@code kafka.client.request.timeout.ms=60000}).
 */
public final class FarmConfigs {
    public static final String KAFKA_BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
    public static final String KAFKA_TOPIC_PREFIX = "kafka.topic.prefix";
    public static final String KAFKA_TOPIC_PARTITIONS = "kafka.topic.partitions";
    public static final String KAFKA_TOPIC_REPLICATION = "kafka.topic.replication.factor";
    public static final String KAFKA_CLIENT_PREFIX = "kafka.client.";
    /** A node's Kafka consumer-group session timeout: how soon a crashed member's partitions move to the others. */
    public static final String KAFKA_SESSION_TIMEOUT_MS = "kafka.session.timeout.ms";
    public static final String CLUSTER_HOST = "cluster.host";
    public static final String CLUSTER_PORT = "cluster.port";
    public static final String CLUSTER_SEED_NODES = "cluster.seed.nodes";
    public static final String CLUSTER_DOWNING_STABLE_AFTER_MS = "cluster.downing.stable.after.ms";
    /** The actor system's name: every node of one farm's cluster has it. */
    public static final String CLUSTER_SYSTEM = "ppfarm";

    private FarmConfigs() {}

    /**
     * A server's settings from its command line ({@code ppfarm coordinator|worker}): each argument is either
     * {@code key=value} or a properties file, applied in order, so a later argument overrides an earlier one.
     *
     * @throws IOException naming the file that cannot be read
     */
    public static Properties load(List<String> args) throws IOException {
        Properties p = new Properties();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq > 0) {
                p.setProperty(a.substring(0, eq), a.substring(eq + 1));
                continue;
            }
            try (Reader r = Files.newBufferedReader(Path.of(a))) {
                p.load(r);
            } catch (NoSuchFileException e) {
                throw new IOException("settings file " + a + " does not exist (settings are files or key=value)", e);
            } catch (IOException e) {
                throw new IOException("cannot read settings file " + a + ": " + e.getMessage(), e);
            }
        }
        return p;
    }

    /**
     * Refuses a key {@code def} does not define: a misspelt key ({@code grpc.prot=1}) would otherwise be ignored and
     * its default used in silence. The error names the key and, when one is within two edits, the defined key meant.
     * Keys under {@code kafka.client.} are the Kafka clients' own and pass. Called before a config parses
     * {@code props}, so a misspelt required key is reported as misspelt, not as missing.
     *
     * @return {@code props}
     * @throws ConfigException naming the first unknown key (in sorted order)
     */
    public static <M extends Map<?, ?>> M requireKnownKeys(ConfigDef def, M props) {
        for (String key : new TreeSet<>(props.keySet().stream().map(String::valueOf).toList())) {
            if (def.names().contains(key) || key.startsWith(KAFKA_CLIENT_PREFIX)) continue;
            String meant = null;
            int best = 3;
            for (String name : new TreeSet<>(def.names())) {
                int d = editDistance(key, name);
                if (d < best) { best = d; meant = name; }
            }
            throw new ConfigException("unknown config key '" + key + "'" + (meant == null ? "" : " (did you mean '" + meant + "'?)"));
        }
        return props;
    }

    /** Levenshtein distance, with a swap of two neighbouring characters counted as one edit (grpc.prot, grpc.port). */
    static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++)
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1))
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
            }
        return d[a.length()][b.length()];
    }

    /** The Kafka keys: brokers, topics, and {@link KafkaSecurity}'s TLS and SCRAM keys. */
    public static ConfigDef kafka(ConfigDef def) {
        return KafkaSecurity.define(def)
                .define(KAFKA_BOOTSTRAP_SERVERS, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                        Importance.HIGH, "Kafka bootstrap servers (host:port,...).")
                .define(KAFKA_TOPIC_PREFIX, Type.STRING, "ppfarm", Importance.MEDIUM,
                        "Prefix of the farm's topics: <prefix>.jobs.{high,normal,low}, <prefix>.events, <prefix>.state, <prefix>.circuits.")
                .define(KAFKA_TOPIC_PARTITIONS, Type.INT, 12, Range.between(1, 10_000), Importance.MEDIUM,
                        "Partitions of each farm topic when the farm creates them; the most workers one priority can use.")
                .define(KAFKA_TOPIC_REPLICATION, Type.SHORT, (short) 1, Importance.MEDIUM,
                        "Replication factor of the farm's topics when the farm creates them (3 on a production cluster).");
    }

    /** The Pekko cluster keys, its TLS ({@link ClusterTls}) included; {@code seedsDoc} says what an empty seed list means for this kind of node. */
    public static ConfigDef cluster(ConfigDef def, String seedsDoc) {
        return ClusterTls.define(def)
                .define(CLUSTER_HOST, Type.STRING, "127.0.0.1", Importance.MEDIUM, "Pekko cluster (Artery) bind host.")
                .define(CLUSTER_PORT, Type.INT, 0, Range.between(0, 65535), Importance.MEDIUM,
                        "Pekko cluster (Artery) port; 0 picks a free one.")
                .define(CLUSTER_SEED_NODES, Type.LIST, "", Importance.MEDIUM,
                        "Pekko cluster seed nodes (pekko://" + CLUSTER_SYSTEM + "@host:port); " + seedsDoc)
                .define(CLUSTER_DOWNING_STABLE_AFTER_MS, Type.LONG, 20_000L, Range.between(1_000, 600_000), Importance.LOW,
                        "How long members must stay unreachable, with no membership change, before the farm's downing "
                                + "decides which side of the split stays (FarmDowning).");
    }

    public static void validateCluster(AbstractConfig c) {
        for (String seed : c.getList(CLUSTER_SEED_NODES))
            if (!seed.startsWith("pekko://" + CLUSTER_SYSTEM + "@"))
                throw new ConfigException(CLUSTER_SEED_NODES, seed, "expected pekko://" + CLUSTER_SYSTEM + "@host:port");
        ClusterTls.validate(c);
    }

    /**
     * The config of a farm node's actor system: a Pekko Cluster Typed member with {@code role} (coordinator or
     * worker) on cluster.host:cluster.port, joining cluster.seed.nodes, the farm's downing ({@link FarmDowning}),
     * Artery over mutual TLS when cluster.tls.* says so ({@link ClusterTls}), logging through SLF4J, no JVM exit or
     * shutdown hook of its own (the node's close() stops it).
     */
    public static Config pekkoConfig(AbstractConfig c, String role) {
        List<String> seeds = new ArrayList<>();
        for (String s : c.getList(CLUSTER_SEED_NODES)) seeds.add("\"" + s + "\"");
        return ConfigFactory.parseString(String.join("\n",
                "pekko.actor.provider = cluster",
                "pekko.remote.artery.canonical.hostname = \"" + c.getString(CLUSTER_HOST) + "\"",
                "pekko.remote.artery.canonical.port = " + c.getInt(CLUSTER_PORT),
                "pekko.cluster.seed-nodes = [" + String.join(",", seeds) + "]",
                "pekko.cluster.roles = [" + role + "]",
                "pekko.cluster.jmx.enabled = off",
                // the farm's own rule (FarmDowning): most coordinators, then most workers, then the oldest coordinator
                "pekko.cluster.downing-provider-class = \"" + FarmDowning.class.getName() + "\"",
                FarmDowning.STABLE_AFTER + " = " + c.getLong(CLUSTER_DOWNING_STABLE_AFTER_MS) + "ms",
                // a prover keeps every core busy and a JVM pauses for GC: with Pekko's 3 s heartbeat pause, busy but
                // healthy members were marked unreachable (FarmChaosTest on a loaded machine); 10 s, at the price of
                // noticing a crashed member ~7 s later (clients notice at once: its connections close)
                "pekko.cluster.failure-detector.acceptable-heartbeat-pause = 10s",
                "pekko.loggers = [\"org.apache.pekko.event.slf4j.Slf4jLogger\"]",
                "pekko.logging-filter = \"org.apache.pekko.event.slf4j.Slf4jLoggingFilter\"",
                "pekko.loglevel = WARNING",
                "pekko.log-dead-letters = off",
                "pekko.coordinated-shutdown.exit-jvm = off",
                "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off"))
                .withFallback(ClusterTls.pekkoConfig(c))
                .withFallback(ConfigFactory.defaultReference());
    }

    public static void validateKafka(AbstractConfig c) {
        try {
            new FarmTopics(c.getString(KAFKA_TOPIC_PREFIX));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(KAFKA_TOPIC_PREFIX, c.getString(KAFKA_TOPIC_PREFIX), e.getMessage());
        }
        if (c.getShort(KAFKA_TOPIC_REPLICATION) < 1)
            throw new ConfigException(KAFKA_TOPIC_REPLICATION, c.getShort(KAFKA_TOPIC_REPLICATION), "at least 1");
        KafkaSecurity.validate(c);
    }

    /**
     * Every farm Kafka client's properties: bootstrap.servers, the security ({@link KafkaSecurity}) and every
     * {@code kafka.client.*} override.
     */
    public static Map<String, Object> clientProps(AbstractConfig c) {
        Map<String, Object> p = new HashMap<>(c.originalsWithPrefix(KAFKA_CLIENT_PREFIX));
        p.putAll(KafkaSecurity.clientProps(c));
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, c.getString(KAFKA_BOOTSTRAP_SERVERS));
        return p;
    }

    /**
     * Properties of every farm producer (the coordinators' job log, the workers' events), over {@code clientProps}:
     * <ul>
     *   <li>acks=all and idempotence: a record is durable, once, before anyone acts on its acknowledgement;</li>
     *   <li>no linger and one request in flight: an idle farm sends each record at once (a submit and a result wait
     *       for it), while a busy one gathers the records that arrive during a request into the next, so it sends
     *       fewer, fuller produce requests (the broker's cost is per request and per partition batch); one request in
     *       flight also keeps a job's events in the order they were sent;</li>
     *   <li>256 KiB batches: results are a few KB, and Kafka's default 16 KiB batch capped a request at ~4 records per
     *       partition (FarmBench dispatch: 0.18 produce requests per job, 0.075 with 256 KiB, ~20 % less CPU per job).
     *       A batch only grows while a request is out, so an idle farm's latency is unchanged.</li>
     *   <li>lz4 compression, unless {@code kafka.client.compression.type} says otherwise: a state record is fetched by
     *       three readers (every coordinator's and worker's state follower, the webhook deliverer) and a result's holds
     *       its proof in decimal JSON, so fewer bytes is less of every reader's fetch and, on a secured farm, of the TLS
     *       work on both ends of each (docs/benchmarks.md, "Session 11").</li>
     * </ul>
     */
    public static Map<String, Object> producerProps(Map<String, Object> clientProps, String clientId) {
        Map<String, Object> p = new HashMap<>(clientProps);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 << 10);
        p.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        return p;
    }

    /**
     * Properties of a member of consumer group {@code group}: {@link #consumerProps} with the member's liveness. The
     * broker gives a member's partitions to the others {@code sessionTimeoutMs} after its last heartbeat (a SIGKILLed
     * process sends no leave request; Kafka's own default, 45 s, is that long), and heartbeats go a fifth of that apart
     * (at least 200 ms), so a few may be lost before a live member is dropped. Then {@code extra}.
     */
    public static Map<String, Object> memberProps(Map<String, Object> clientProps, String clientId, String group, int maxPollRecords,
                                                  int sessionTimeoutMs, Map<String, Object> extra) {
        Map<String, Object> own = new HashMap<>();
        own.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, sessionTimeoutMs);
        own.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Math.max(200, sessionTimeoutMs / 5));
        own.putAll(extra);
        return consumerProps(clientProps, clientId, Objects.requireNonNull(group, "group"), maxPollRecords, own);
    }

    /**
     * Properties of every farm consumer, over {@code clientProps} (so the security settings apply to all of them):
     * its {@code clientId}, and no automatic offset commits (a group member commits what it has acted on; a reader of
     * assigned partitions commits nothing). For a member of {@code group}: earliest when the group has no offset yet
     * (a new group reads the topic from its start) and at most {@code maxPollRecords} per poll. Null {@code group}:
     * a reader that assigns partitions and seeks itself. Then {@code extra}, the consumer's own settings.
     */
    public static Map<String, Object> consumerProps(Map<String, Object> clientProps, String clientId, String group, int maxPollRecords,
                                                    Map<String, Object> extra) {
        Map<String, Object> p = new HashMap<>(clientProps);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        if (group != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        }
        p.putAll(extra);
        return p;
    }

    public static FarmTopics topics(AbstractConfig c) { return new FarmTopics(c.getString(KAFKA_TOPIC_PREFIX)); }
}
