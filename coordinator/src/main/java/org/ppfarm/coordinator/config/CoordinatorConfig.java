package org.ppfarm.coordinator.config;

import org.ppfarm.farm.artifacts.ArtifactDownloads;
import org.ppfarm.farm.config.FarmConfigs;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;

import java.util.Base64;
import java.util.Map;

/**
 * A coordinator's settings, defined the way Kafka defines its own: each key with a type, default, validator,
 * importance and documentation ({@link #CONFIG} renders the reference in docs/farm.md). Cross-key checks live in
 * {@link #validate()} and name the key at fault. Immutable once built.
 */
public final class CoordinatorConfig extends AbstractConfig {
    public static final String COORDINATOR_ID = "coordinator.id";
    public static final String GRPC_HOST = "grpc.host";
    public static final String GRPC_PORT = "grpc.port";
    public static final String GRPC_MAX_MESSAGE_BYTES = "grpc.max.message.bytes";
    public static final String GRPC_HANDSHAKE_TIMEOUT_MS = "grpc.handshake.timeout.ms";
    public static final String GRPC_TLS_CERT_FILE = "grpc.tls.cert.file";
    public static final String GRPC_TLS_KEY_FILE = "grpc.tls.key.file";
    public static final String GRPC_TLS_CLIENT_CA_FILE = "grpc.tls.client.ca.file";
    public static final String GRPC_TLS_CLIENT_AUTH = "grpc.tls.client.auth";
    public static final String GRPC_TLS_RELOAD_MS = "grpc.tls.reload.ms";
    public static final String GRPC_TLS_CLIENT_TENANT = "grpc.tls.client.tenant";
    public static final String AUTH_REQUIRED = "auth.required";
    public static final String CIRCUIT_UPLOAD_MAX_BYTES = "circuit.upload.max.bytes";
    public static final String ARTIFACTS_DIR = "artifacts.dir";
    public static final String ARTIFACTS_PORT = "artifacts.port";
    public static final String ARTIFACTS_PEERS = "artifacts.peers";
    public static final String SEAL_PUBLIC_KEY = "seal.public.key";
    public static final String INPUTS_PLAINTEXT_ALLOWED = "inputs.plaintext.allowed";
    public static final String JOBS_PARTITIONING = "jobs.partitioning";
    public static final String JOBS_FINISHED_RETAIN_MS = "jobs.finished.retain.ms";
    public static final String JOBS_RESULT_NOTICES = "jobs.result.notices";
    public static final String JOBS_OFFERS = "jobs.offers";
    public static final String CLUSTER_HOST = FarmConfigs.CLUSTER_HOST;
    public static final String CLUSTER_PORT = FarmConfigs.CLUSTER_PORT;
    public static final String CLUSTER_SEED_NODES = FarmConfigs.CLUSTER_SEED_NODES;
    public static final String CLUSTER_BOOTSTRAP = "cluster.bootstrap";
    public static final String CLUSTER_BOOTSTRAP_MANAGEMENT_HOST = "cluster.bootstrap.management.host";
    public static final String CLUSTER_BOOTSTRAP_MANAGEMENT_PORT = "cluster.bootstrap.management.port";
    public static final String CLUSTER_BOOTSTRAP_POD_LABEL_SELECTOR = "cluster.bootstrap.pod.label.selector";
    public static final String CLUSTER_BOOTSTRAP_REQUIRED_CONTACT_POINTS = "cluster.bootstrap.required.contact.points";
    public static final String METRICS_PORT = "metrics.port";
    public static final String SESSION_TIMEOUT_MS = FarmConfigs.KAFKA_SESSION_TIMEOUT_MS;

    public static final String CLIENT_AUTH_NONE = "none";
    public static final String CLIENT_AUTH_OPTIONAL = "optional";
    public static final String CLIENT_AUTH_REQUIRE = "require";
    public static final String CLIENT_TENANT_NONE = "none";
    public static final String CLIENT_TENANT_CN = "cn";

    public static final String BOOTSTRAP_SEEDS = "seeds";
    public static final String BOOTSTRAP_KUBERNETES_API = "kubernetes-api";

    public static final String PARTITIONING_SPREAD = "spread";
    public static final String PARTITIONING_PIN_CIRCUIT = "pin-circuit";

    public static final ConfigDef CONFIG = FarmConfigs.cluster(FarmConfigs.kafka(new ConfigDef()), "empty: a single-node cluster joining itself.")
            .define(COORDINATOR_ID, Type.STRING, "", Importance.LOW,
                    "This coordinator's name in logs and its Kafka client ids; empty: coordinator-<random>.")
            .define(GRPC_HOST, Type.STRING, "127.0.0.1", Importance.HIGH,
                    "Address the gRPC API binds to (0.0.0.0 for every interface).")
            .define(GRPC_PORT, Type.INT, 50051, Range.between(0, 65535), Importance.HIGH,
                    "gRPC API port; 0 picks a free one.")
            .define(GRPC_MAX_MESSAGE_BYTES, Type.INT, 16 << 20, Range.between(1024, Integer.MAX_VALUE), Importance.MEDIUM,
                    "Largest gRPC request accepted, a compressed one counted decompressed; a larger one fails with "
                            + "RESOURCE_EXHAUSTED naming the limit. A job's record, its input sealed, must also fit the jobs "
                            + "topics' max.message.bytes (8 MiB on topics the farm creates; a withdraw witness (.wtns) is "
                            + "about 1.2 MB), else RESOURCE_EXHAUSTED too.")
            .define(GRPC_HANDSHAKE_TIMEOUT_MS, Type.LONG, 10_000L, Range.atLeast(1), Importance.LOW,
                    "A new gRPC connection that has not sent its HTTP/2 preface and settings within this time is closed "
                            + "(gRPC's own default, 2 minutes, lets a client hold many idle sockets open).")
            .define(GRPC_TLS_CERT_FILE, Type.STRING, "", Importance.HIGH,
                    "PEM file of the gRPC API's certificate chain (leaf first); with grpc.tls.key.file the API serves "
                            + "TLS only (a plaintext client is refused). Empty: plaintext, for loopback or a trusted "
                            + "network. Re-read every grpc.tls.reload.ms: a renewed certificate is served to new "
                            + "connections without a restart.")
            .define(GRPC_TLS_KEY_FILE, Type.STRING, "", Importance.HIGH,
                    "PEM file of the certificate's private key (PKCS#8, RSA or EC); re-read with the certificate.")
            .define(GRPC_TLS_CLIENT_CA_FILE, Type.STRING, "", Importance.MEDIUM,
                    "PEM file of the CA certificates client certificates must chain to (mTLS, see grpc.tls.client.auth); "
                            + "re-read every grpc.tls.reload.ms.")
            .define(GRPC_TLS_CLIENT_AUTH, Type.STRING, CLIENT_AUTH_NONE, ValidString.in(CLIENT_AUTH_NONE, CLIENT_AUTH_OPTIONAL, CLIENT_AUTH_REQUIRE),
                    Importance.MEDIUM, "none: no client certificate is asked for; optional: one is asked for and, if "
                            + "sent, must chain to grpc.tls.client.ca.file; require: a connection without a trusted client "
                            + "certificate fails its handshake. Client certificates authenticate the connection; they name a "
                            + "tenant too with grpc.tls.client.tenant=cn.")
            .define(GRPC_TLS_CLIENT_TENANT, Type.STRING, CLIENT_TENANT_NONE, ValidString.in(CLIENT_TENANT_NONE, CLIENT_TENANT_CN),
                    Importance.MEDIUM, "none: tenants are API keys only. cn: a call without an API key is the tenant its "
                            + "client certificate's subject CN names (unknown or revoked: UNAUTHENTICATED), and a call "
                            + "with a key must be that tenant's (else PERMISSION_DENIED). Needs grpc.tls.client.auth.")
            .define(GRPC_TLS_RELOAD_MS, Type.LONG, 60_000L, Range.atLeast(100), Importance.LOW,
                    "How often the TLS files are read again; a file that cannot be read or parsed keeps the last good "
                            + "certificates (logged).")
            .define(AUTH_REQUIRED, Type.BOOLEAN, false, Importance.HIGH,
                    "true: every Prover call needs 'authorization: Bearer <api key>' of a tenant in the tenants topic "
                            + "(ppfarm tenants add), else UNAUTHENTICATED. false: a call without a key is the anonymous "
                            + "tenant (which owns the jobs submitted without a key and may register circuits); a key, when "
                            + "sent, is still checked. Production: true (docs/security.md).")
            .define(CIRCUIT_UPLOAD_MAX_BYTES, Type.LONG, 2L << 30, Range.atLeast(1), Importance.MEDIUM,
                    "Largest total size of one RegisterCircuit upload (zkey + wasm + vkey).")
            .define(ARTIFACTS_DIR, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Directory of the circuit registry: artifacts stored by SHA-256, circuits by name@version.")
            .define(ARTIFACTS_PORT, Type.INT, 50052, Range.between(0, 65535), Importance.HIGH,
                    "Port of the Artifacts service, from which workers fetch circuit artifacts by SHA-256 (their "
                            + "coordinator.address); bound to cluster.host, the farm's private network, apart from the "
                            + "clients' gRPC API; mutual TLS with the cluster's certificates when cluster.tls.* is set (else "
                            + "plaintext and unauthenticated). 0 picks a free one.")
            .define(ARTIFACTS_PEERS, Type.LIST, "", Importance.MEDIUM,
                    "Other coordinators' Artifacts services (host:port, comma-separated; this coordinator's own may be "
                            + "listed too, so every coordinator can share one list), from which artifacts of circuits "
                            + "registered elsewhere are fetched when the coordinator that registered them cannot send "
                            + "them (it is asked first, at the cluster.host:artifacts.port its registration recorded).")
            .define(SEAL_PUBLIC_KEY, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Workers' X25519 public key (base64, 32 bytes) that job inputs are sealed to (HPKE) before they "
                            + "are written to Kafka, and that GetSealingKey gives clients to seal them to themselves.")
            .define(INPUTS_PLAINTEXT_ALLOWED, Type.BOOLEAN, true, Importance.HIGH,
                    "true: clients may send inputs in plaintext (input_json, wtns, withdraw/ragequit request JSON), which "
                            + "this coordinator then holds in memory until it has sealed them. false: only inputs the client "
                            + "sealed (SubmitRequest.sealed_input) are taken, a plaintext one is refused with "
                            + "FAILED_PRECONDITION naming this key, and the coordinator never holds an input in the clear; "
                            + "but from a tenant added with --allow-plaintext (ppfarm tenants), for a client that cannot seal. "
                            + "Production: false (docs/security.md); ppfarm up sets it true unless --secure.")
            .define(JOBS_PARTITIONING, Type.STRING, PARTITIONING_SPREAD, ValidString.in(PARTITIONING_SPREAD, PARTITIONING_PIN_CIRCUIT),
                    Importance.MEDIUM, "spread: jobs keyed by job id, spread over every partition and worker; "
                            + "pin-circuit: keyed by the circuit's zkey hash, so one circuit's jobs go to one partition.")
            .define(JOBS_FINISHED_RETAIN_MS, Type.LONG, 3_600_000L, Range.atLeast(0), Importance.LOW,
                    "How long a finished job stays in memory for GetJob/WatchJob (the state topic keeps it longer; a "
                            + "restarted coordinator loads every job it holds).")
            .define(JOBS_RESULT_NOTICES, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Job records name this coordinator's result inbox, and workers in its Pekko cluster tell each job's "
                            + "result there as well as writing it to Kafka: a waiting client is answered without the "
                            + "Kafka round trip (~2 ms less), while Kafka stays the durable record. false: results "
                            + "reach clients only through Kafka, after they are durable there.")
            .define(JOBS_OFFERS, Type.BOOLEAN, true, Importance.MEDIUM,
                    "When a worker of this coordinator's Pekko cluster is idle, a new job is also handed to it directly, "
                            + "and its record is written to a jobs-topic partition that worker owns (the worker settles "
                            + "the record with the offered run): the job skips the Kafka hop in (~2 ms). Only with "
                            + "jobs.partitioning=spread. false: jobs reach workers only through Kafka.")
            .define(CLUSTER_BOOTSTRAP, Type.STRING, BOOTSTRAP_SEEDS, ValidString.in(BOOTSTRAP_SEEDS, BOOTSTRAP_KUBERNETES_API),
                    Importance.MEDIUM, "How this coordinator finds the Pekko cluster. seeds: it joins cluster.seed.nodes (or "
                            + "itself when the list is empty). kubernetes-api: Pekko Management cluster bootstrap, the "
                            + "coordinators found as the pods matching cluster.bootstrap.pod.label.selector in the pod's "
                            + "namespace (the pod's service account may get, list and watch pods); the lowest-addressed one "
                            + "forms the cluster once cluster.bootstrap.required.contact.points answer, the others join it. "
                            + "cluster.seed.nodes must then be empty.")
            .define(CLUSTER_BOOTSTRAP_MANAGEMENT_HOST, Type.STRING, "", Importance.MEDIUM,
                    "With cluster.bootstrap=kubernetes-api: the address Pekko Management's HTTP endpoint (the bootstrap "
                            + "contact point other coordinators probe) binds to and announces; the pod's IP. Empty: cluster.host.")
            .define(CLUSTER_BOOTSTRAP_MANAGEMENT_PORT, Type.INT, 7626, Range.between(1, 65535), Importance.MEDIUM,
                    "With cluster.bootstrap=kubernetes-api: Pekko Management's port, the same on every coordinator.")
            .define(CLUSTER_BOOTSTRAP_POD_LABEL_SELECTOR, Type.STRING, "", Importance.MEDIUM,
                    "With cluster.bootstrap=kubernetes-api (required there): the Kubernetes label selector of the "
                            + "coordinators' pods, e.g. app.kubernetes.io/instance=farm,app.kubernetes.io/component=coordinator.")
            .define(CLUSTER_BOOTSTRAP_REQUIRED_CONTACT_POINTS, Type.INT, 2, Range.atLeast(1), Importance.MEDIUM,
                    "With cluster.bootstrap=kubernetes-api: how many coordinators must be found and answer before a new "
                            + "cluster is formed (usually the replica count); a running cluster is joined at once.")
            .define(SESSION_TIMEOUT_MS, Type.INT, 10_000, Range.atLeast(1000), Importance.MEDIUM,
                    "How soon a crashed coordinator's share of the events topic (and of webhook deliveries) moves to "
                            + "the other coordinators (Kafka consumer session timeout). Until then, a job whose result "
                            + "it had told its client but not yet written to the state topic shows RUNNING at the others.")
            .define(METRICS_PORT, Type.INT, -1, Range.between(-1, 65535), Importance.LOW,
                    "Port of the Prometheus /metrics endpoint; -1 disables it, 0 picks a free one.");

    /** @throws ConfigException naming the key at fault: unknown (see {@link FarmConfigs#requireKnownKeys}), missing or invalid */
    public CoordinatorConfig(Map<?, ?> props) {
        super(CONFIG, FarmConfigs.requireKnownKeys(CONFIG, props));
        validate();
    }

    private void validate() {
        try {
            byte[] key = Base64.getDecoder().decode(getString(SEAL_PUBLIC_KEY));
            if (key.length != 32) throw new ConfigException(SEAL_PUBLIC_KEY, "<" + key.length + " bytes>", "an X25519 public key is 32 bytes");
        } catch (IllegalArgumentException e) {
            throw new ConfigException(SEAL_PUBLIC_KEY, getString(SEAL_PUBLIC_KEY), "not base64: " + e.getMessage());
        }
        int artifactsPort = getInt(ARTIFACTS_PORT);
        if (artifactsPort != 0 && artifactsPort == getInt(GRPC_PORT))
            throw new ConfigException(ARTIFACTS_PORT, artifactsPort, "must differ from " + GRPC_PORT + ": workers' artifacts are not served to clients");
        if (getString(GRPC_TLS_CERT_FILE).isEmpty() != getString(GRPC_TLS_KEY_FILE).isEmpty())
            throw new ConfigException(getString(GRPC_TLS_CERT_FILE).isEmpty() ? GRPC_TLS_CERT_FILE : GRPC_TLS_KEY_FILE, "",
                    "grpc.tls.cert.file and grpc.tls.key.file go together");
        boolean clientAuth = !CLIENT_AUTH_NONE.equals(getString(GRPC_TLS_CLIENT_AUTH));
        if (clientAuth && !tls())
            throw new ConfigException(GRPC_TLS_CLIENT_AUTH, getString(GRPC_TLS_CLIENT_AUTH), "client certificates need TLS: set grpc.tls.cert.file and grpc.tls.key.file");
        if (clientAuth == getString(GRPC_TLS_CLIENT_CA_FILE).isEmpty())
            throw new ConfigException(clientAuth ? GRPC_TLS_CLIENT_CA_FILE : GRPC_TLS_CLIENT_AUTH, clientAuth ? "" : CLIENT_AUTH_NONE,
                    "grpc.tls.client.ca.file and grpc.tls.client.auth=optional|require go together");
        if (!clientAuth && !CLIENT_TENANT_NONE.equals(getString(GRPC_TLS_CLIENT_TENANT)))
            throw new ConfigException(GRPC_TLS_CLIENT_TENANT, getString(GRPC_TLS_CLIENT_TENANT), "needs client certificates: set grpc.tls.client.auth");
        for (String peer : getList(ARTIFACTS_PEERS))
            if (!ArtifactDownloads.isAddress(peer)) throw new ConfigException(ARTIFACTS_PEERS, peer, "expected host:port");
        FarmConfigs.validateKafka(this);
        FarmConfigs.validateCluster(this);
        if (kubernetesBootstrap()) {
            if (!getList(CLUSTER_SEED_NODES).isEmpty())
                throw new ConfigException(CLUSTER_SEED_NODES, String.join(",", getList(CLUSTER_SEED_NODES)),
                        "must be empty with cluster.bootstrap=kubernetes-api (the bootstrap finds the seeds)");
            if (getString(CLUSTER_BOOTSTRAP_POD_LABEL_SELECTOR).isBlank())
                throw new ConfigException(CLUSTER_BOOTSTRAP_POD_LABEL_SELECTOR, "",
                        "required with cluster.bootstrap=kubernetes-api: the label selector of the coordinators' pods");
        }
    }

    /** Whether the cluster is formed by Pekko Management's bootstrap over the Kubernetes API (cluster.bootstrap). */
    public boolean kubernetesBootstrap() { return BOOTSTRAP_KUBERNETES_API.equals(getString(CLUSTER_BOOTSTRAP)); }

    /** Whether the gRPC API serves TLS (grpc.tls.cert.file and grpc.tls.key.file set). */
    public boolean tls() { return !getString(GRPC_TLS_CERT_FILE).isEmpty(); }

    public byte[] sealPublicKey() { return Base64.getDecoder().decode(getString(SEAL_PUBLIC_KEY)); }

    public String coordinatorId() {
        String id = getString(COORDINATOR_ID);
        return id.isEmpty() ? "coordinator-" + Long.toHexString(Double.doubleToLongBits(Math.random()) & 0xffffffL) : id;
    }
}
