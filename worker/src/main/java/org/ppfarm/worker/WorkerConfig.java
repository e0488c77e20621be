package org.ppfarm.worker;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.ppfarm.farm.artifacts.ArtifactDownloads;
import org.ppfarm.farm.config.FarmConfigs;
import org.ppfarm.farm.seal.InputSeal;

import org.ppfarm.prover.ByteSizes;
import org.ppfarm.worker.pipeline.EnginePipeline;

import java.nio.file.Path;
import java.util.List;
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
    public static final String SESSION_TIMEOUT_MS = FarmConfigs.KAFKA_SESSION_TIMEOUT_MS;
    public static final String MAX_POLL_INTERVAL_MS = "kafka.max.poll.interval.ms";
    public static final String SHUTDOWN_GRACE_MS = "shutdown.grace.ms";
    public static final String METRICS_HOST = "metrics.host";
    public static final String METRICS_PORT = "metrics.port";
    public static final String RUNNING_REPORT_DELAY_MS = "worker.running.report.delay.ms";
    public static final String CPU_KERNELS = "worker.cpu.kernels";
    public static final String MSM_TABLE_BYTES = "worker.msm.table.bytes";
    public static final String GPU = "worker.gpu";
    public static final String GPU_MEMORY_LIMIT = "worker.gpu.memory.limit";
    public static final String WITNESS_CACHE = "worker.witness.cache";
    public static final String BATCH_MAX = "worker.batch.max";
    public static final String BATCH_WAIT_MS = "worker.batch.wait.ms";
    public static final String PROVING_SLOTS = "worker.proving.slots";
    /** The sub-folder of {@link #CACHE_DIR} that holds compiled witness calculators. */
    public static final String COMPILED_CIRCUITS = "compiled-circuits";

    public static final ConfigDef CONFIG = FarmConfigs.cluster(FarmConfigs.kafka(new ConfigDef()),
                    "the coordinators' cluster, which the worker joins (role worker) to take jobs offered while it is idle "
                            + "and to tell results straight to the coordinator that submitted each job. Empty: the worker "
                            + "joins no cluster, and jobs and results travel through Kafka only.")
            .define(WORKER_ID, Type.STRING, "", Importance.LOW, "This worker's name in results and logs; empty: worker-<random>.")
            .define(COORDINATOR_ADDRESS, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH,
                    "host:port of coordinators' Artifacts services (each its cluster.host and artifacts.port, not the "
                            + "clients' gRPC API), comma-separated, from which circuit artifacts are fetched by SHA-256: "
                            + "tried in this order, any of them will do (every download is checked against the hash). "
                            + "When none has an artifact, the job is handed back and tried again.")
            .define(CONCURRENCY, Type.INT, 2, Range.between(1, 1024), Importance.HIGH,
                    "Jobs a worker runs at once. The CPU prover already uses every core for one proof, so at most "
                            + PROVING_SLOTS + " of them prove at a time; the others compute their witnesses meanwhile (a "
                            + "single-threaded stage) and wait, so 2 (the default, with 1 slot) keeps one witness ready "
                            + "behind each proof. 1: witness and proof one after the other.")
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
                            + "done sooner goes from QUEUED straight to its result, one Kafka record less. 0 reports every job.")
            .define(WITNESS_CACHE, Type.BOOLEAN, true, Importance.LOW,
                    "Keep each circuit's witness calculator, compiled to JVM bytecode, in <" + CACHE_DIR + ">/" + COMPILED_CIRCUITS
                            + " (by the wasm's SHA-256 and the compiler's version, integrity-checked), so a restarted worker loads "
                            + "a circuit in well under a second instead of compiling it for several. Workers may share the "
                            + "directory; it must be writable only by the farm (its entries are code the worker runs).")
            .define(CPU_KERNELS, Type.STRING, "auto", ValidString.in("auto", "native", "java"), Importance.LOW,
                    "The CPU prover's inner loops: auto (module cpu-kernels' native library when it loads, else Java), "
                            + "native (refuse to start without it), java.")
            .define(MSM_TABLE_BYTES, Type.STRING, "", Importance.MEDIUM,
                    "Memory for the fixed-base MSM tables of resident proving keys (bytes, or with suffix k/m/g; 0 turns "
                            + "them off). A withdraw key's tables take ~170 MB and ~22 s of CPU to build, in the background "
                            + "after the key loads, and save ~30 % CPU per proof. Empty: a quarter of the maximum heap.")
            .define(GPU, Type.STRING, "auto", ValidString.in("auto", "off"), Importance.MEDIUM,
                    "auto: prove on the CUDA backend when a device and the CUDA library are found (else the CPU); off: "
                            + "always the CPU.")
            .define(GPU_MEMORY_LIMIT, Type.STRING, "", Importance.LOW,
                    "Most device memory the GPU backend uses (bytes, or with suffix k/m/g). Empty: 90 % of the device.")
            .define(BATCH_MAX, Type.INT, 1, Range.between(1, 64), Importance.MEDIUM,
                    "Most jobs of one circuit proved together (batched proving, for throughput; at most " + CONCURRENCY
                            + ", as each batched job holds a prover thread). Jobs of different circuits never share a "
                            + "batch; each proof is verified on its own, so a bad input fails its own job only. 1: every "
                            + "job proves alone.")
            .define(BATCH_WAIT_MS, Type.LONG, 5L, Range.between(0, 10_000), Importance.LOW,
                    "Longest a batch waits for jobs of its circuit whose witnesses are still being computed. A job with "
                            + "no such company proves at once, so a lone job is never held back.")
            .define(PROVING_SLOTS, Type.INT, 1, Range.between(1, 1024), Importance.MEDIUM,
                    "Proofs (or batches) the worker computes at once, over all its circuits (at most " + CONCURRENCY
                            + "). One proof keeps every core, or the GPU, busy; a second at the same time only shares them "
                            + "(each slower, caches thrashed). Jobs beyond it compute their witnesses and wait for a slot; "
                            + "a lone job takes a free slot at once.");

    /** @throws ConfigException naming the key at fault: unknown (see {@link FarmConfigs#requireKnownKeys}), missing or invalid */
    public WorkerConfig(Map<?, ?> props) {
        super(CONFIG, FarmConfigs.requireKnownKeys(CONFIG, props));
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
        if (getInt(PROVING_SLOTS) > getInt(CONCURRENCY))
            throw new ConfigException(PROVING_SLOTS, getInt(PROVING_SLOTS), "must be at most " + CONCURRENCY + " (" + getInt(CONCURRENCY) + ")");
        if (getInt(BATCH_MAX) > getInt(CONCURRENCY))
            throw new ConfigException(BATCH_MAX, getInt(BATCH_MAX), "must be at most " + CONCURRENCY + " (" + getInt(CONCURRENCY) + ")");
        if (getInt(SESSION_TIMEOUT_MS) >= getInt(MAX_POLL_INTERVAL_MS))
            throw new ConfigException(SESSION_TIMEOUT_MS, getInt(SESSION_TIMEOUT_MS), "must be below " + MAX_POLL_INTERVAL_MS);
        for (String key : new String[] {MSM_TABLE_BYTES, GPU_MEMORY_LIMIT}) {
            try {
                if (!getString(key).isBlank()) ByteSizes.parse(key, getString(key));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key, getString(key), "not a size in bytes (e.g. 0, 512m, 2g)");
            }
        }
        if (coordinators().isEmpty()) throw new ConfigException(COORDINATOR_ADDRESS, "", "expected host:port[,host:port...]");
        for (String a : coordinators())
            if (!ArtifactDownloads.isAddress(a)) throw new ConfigException(COORDINATOR_ADDRESS, a, "expected host:port");
    }

    /** The coordinators' Artifacts services ({@value #COORDINATOR_ADDRESS}), in the order they are tried. */
    public List<String> coordinators() { return getList(COORDINATOR_ADDRESS); }

    public InputSeal.KeyPair keyPair() {
        Password p = getPassword(SEAL_KEY_PAIR);
        return InputSeal.KeyPair.parse(p.value(), SEAL_KEY_PAIR);
    }

    /** The proving engine's settings: CPU kernels, MSM table budget, GPU use and bound, compiled-circuit cache, batching, proving slots. */
    public EnginePipeline.Options engineOptions() {
        String tables = getString(MSM_TABLE_BYTES), gpuLimit = getString(GPU_MEMORY_LIMIT);
        return new EnginePipeline.Options(getString(CPU_KERNELS),
                tables.isBlank() ? Runtime.getRuntime().maxMemory() / 4 : ByteSizes.parse(MSM_TABLE_BYTES, tables),
                getString(GPU).equals("auto"), gpuLimit.isBlank() ? 0 : ByteSizes.parse(GPU_MEMORY_LIMIT, gpuLimit),
                getBoolean(WITNESS_CACHE) ? Path.of(getString(CACHE_DIR), COMPILED_CIRCUITS) : null,
                new EnginePipeline.Batching(getInt(BATCH_MAX), getLong(BATCH_WAIT_MS)), getInt(PROVING_SLOTS));
    }

    public String workerId() {
        String id = getString(WORKER_ID);
        return id.isEmpty() ? "worker-" + Long.toHexString(Double.doubleToLongBits(Math.random()) & 0xffffffL) : id;
    }
}
