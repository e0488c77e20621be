package org.ppfarm.worker;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.ppfarm.farm.config.FarmConfigs;
import org.ppfarm.farm.seal.InputSeal;

import java.util.Map;

/**
 * A worker's settings, Kafka-style (key, type, default, validator, documentation; cross-key checks in
 * {@link #validate()} naming the key). Immutable.
 */
public final class WorkerConfig extends AbstractConfig {
    public static final String WORKER_ID = "worker.id";
    public static final String COORDINATOR_ADDRESS = "coordinator.address";
    public static final String CONCURRENCY = "worker.concurrency";
    public static final String PREFETCH = "worker.prefetch";
    public static final String CACHE_DIR = "artifacts.cache.dir";
    public static final String SEAL_KEY_PAIR = "seal.key.pair";
    public static final String SESSION_TIMEOUT_MS = "kafka.session.timeout.ms";
    public static final String MAX_POLL_INTERVAL_MS = "kafka.max.poll.interval.ms";
    public static final String SHUTDOWN_GRACE_MS = "shutdown.grace.ms";
    public static final String METRICS_HOST = "metrics.host";
    public static final String METRICS_PORT = "metrics.port";
    public static final String RUNNING_REPORT_DELAY_MS = "worker.running.report.delay.ms";

    public static final ConfigDef CONFIG = FarmConfigs.cluster(FarmConfigs.kafka(new ConfigDef()),
                    "the coordinators' cluster, which the worker joins (role worker) to take jobs offered while it is idle "
                            + "and to tell results straight to the coordinator that submitted each job. Empty: the worker "
                            + "joins no cluster, and jobs and results travel through Kafka only.")
            .define(WORKER_ID, Type.STRING, "", Importance.LOW, "This worker's name in results and logs; empty: worker-<random>.")
            .define(COORDINATOR_ADDRESS, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "host:port of a coordinator's gRPC API, from which circuit artifacts are fetched by SHA-256.")
            .define(CONCURRENCY, Type.INT, 1, Range.between(1, 1024), Importance.HIGH,
                    "Jobs proved at once. The CPU prover already uses every core for one proof; more overlaps witness "
                            + "computation with proving.")
            .define(PREFETCH, Type.INT, 8, Range.between(1, 100_000), Importance.MEDIUM,
                    "Jobs fetched from Kafka ahead of a free prover; higher priorities are taken first among them.")
            .define(CACHE_DIR, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Directory of fetched artifacts, by SHA-256 (checked on fetch and on reuse).")
            .define(SEAL_KEY_PAIR, Type.PASSWORD, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH,
                    "The workers' X25519 key pair, base64(public):base64(private), that opens sealed job inputs.")
            .define(SESSION_TIMEOUT_MS, Type.INT, 10_000, Range.atLeast(1000), Importance.MEDIUM,
                    "How soon a crashed worker's jobs move to another worker (Kafka consumer session timeout).")
            .define(MAX_POLL_INTERVAL_MS, Type.INT, 600_000, Range.atLeast(1000), Importance.LOW,
                    "Kafka max.poll.interval.ms; the consumer thread polls continuously, so this only bounds a stuck worker.")
            .define(SHUTDOWN_GRACE_MS, Type.LONG, 30_000L, Range.atLeast(0), Importance.MEDIUM,
                    "On shutdown, how long in-flight jobs may finish; jobs not finished by then are handed back uncommitted.")
            .define(METRICS_HOST, Type.STRING, "127.0.0.1", new ConfigDef.NonEmptyString(), Importance.LOW,
                    "Address the Prometheus /metrics endpoint binds to (0.0.0.0 for every interface).")
            .define(METRICS_PORT, Type.INT, -1, Range.between(-1, 65535), Importance.LOW,
                    "Port of the Prometheus /metrics endpoint; -1 disables it, 0 picks a free one.")
            .define(RUNNING_REPORT_DELAY_MS, Type.LONG, 50L, Range.atLeast(0), Importance.LOW,
                    "A job still proving this long after its worker took it is reported RUNNING (a started event); a job "
                            + "done sooner goes from QUEUED straight to its result, one Kafka record less. 0 reports every job.");

    public WorkerConfig(Map<?, ?> props) {
        super(CONFIG, props);
        validate();
    }

    private void validate() {
        FarmConfigs.validateKafka(this);
        FarmConfigs.validateCluster(this);
        try {
            keyPair();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(SEAL_KEY_PAIR, "[hidden]", e.getMessage());
        }
        if (getInt(PREFETCH) < getInt(CONCURRENCY))
            throw new ConfigException(PREFETCH, getInt(PREFETCH), "must be at least " + CONCURRENCY + " (" + getInt(CONCURRENCY) + ")");
        if (getInt(SESSION_TIMEOUT_MS) >= getInt(MAX_POLL_INTERVAL_MS))
            throw new ConfigException(SESSION_TIMEOUT_MS, getInt(SESSION_TIMEOUT_MS), "must be below " + MAX_POLL_INTERVAL_MS);
        if (!getString(COORDINATOR_ADDRESS).matches("[^:]+:\\d{1,5}"))
            throw new ConfigException(COORDINATOR_ADDRESS, getString(COORDINATOR_ADDRESS), "expected host:port");
    }

    public InputSeal.KeyPair keyPair() {
        Password p = getPassword(SEAL_KEY_PAIR);
        return InputSeal.KeyPair.parse(p.value(), SEAL_KEY_PAIR);
    }

    public String workerId() {
        String id = getString(WORKER_ID);
        return id.isEmpty() ? "worker-" + Long.toHexString(Double.doubleToLongBits(Math.random()) & 0xffffffL) : id;
    }
}
