package org.ppfarm.coordinator.registry;

import org.ppfarm.farm.cluster.NodeTls;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import org.ppfarm.prover.format.ZkeyFile;
import org.ppfarm.coordinator.inputs.Identifiers;
import org.ppfarm.farm.Sha256;
import org.ppfarm.proto.v1.ArtifactKind;
import org.ppfarm.proto.v1.Circuit;
import org.ppfarm.proto.v1.CircuitRecord;
import org.ppfarm.proto.v1.CircuitRef;
import org.ppfarm.proto.v1.RegisterCircuitHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The coordinator's view of the farm's circuit registry. Artifacts are content-addressed: stored once under
 * {@code blobs/<sha256>}, served to workers (and other coordinators) by that hash, and referenced by circuits named
 * {@code name@version}. A name@version is immutable: registering it again with other artifacts (a vkey present or
 * absent counts) is refused. Uploads are written to temporary files while being hashed and become visible only after
 * every declared hash matched and the artifacts proved to be one circuit's ({@link ArtifactChecks}).
 *
 * <p>Replication (docs/farm.md, "Circuit registry"): the circuits are those of the farm's {@link CircuitLog}, learnt
 * in its order ({@link #learn}); a registration stores its artifacts here, then appends its record and waits until
 * the log has been read up to it. The first record of a name@version is that circuit at every coordinator: a later
 * one with other artifacts is ignored (logged), and the registration that wrote it is refused ALREADY_EXISTS, also
 * when two coordinators registered one name@version at the same moment. Artifacts of circuits registered elsewhere
 * are fetched from the coordinator that registered them, or from {@code artifacts.peers} ({@link PeerArtifacts}).
 * Every circuit known is also written under {@code circuits/} (one JSON file each), and {@link #publishLocal}
 * appends those the log lacks: a registry written before replication existed, or a farm moved to a new Kafka
 * cluster, is learnt from any coordinator's directory.
 *
 * <p>Thread-safe; registrations of distinct circuits may run concurrently.
 */
public final class CircuitRegistry implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(CircuitRegistry.class);
    /** A name or version: a letter or digit first (no hidden files, no "." or ".."), then letters, digits, '_', '-', '.'. */
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final String PART_RULE = "1-64 characters, a letter or digit first, then letters, digits, '_', '-' or '.'";

    private final Path blobs;
    private final Path circuits;
    /** How long a registration waits for its record to be durable and read back. */
    private static final Duration APPEND_TIMEOUT = Duration.ofSeconds(30);

    private final long maxUploadBytes;
    private final CircuitLog log;
    private final PeerArtifacts peers;
    /** The circuits of the log, the first record of each name@version. */
    private final Map<String, Circuit> byName = new ConcurrentHashMap<>();
    /** Per artifact of a known circuit: the Artifacts address of the coordinator that registered it (may be empty). */
    private final Map<String, String> registeredAt = new ConcurrentHashMap<>();
    /** The circuits found under {@code circuits/} at start, for {@link #publishLocal}. */
    private final List<Circuit> local = new ArrayList<>();
    private volatile String artifactsAddress = "";
    private final String origin;

    /**
     * Reads the circuits under {@code dir}; nothing is known until {@link CircuitLog#follow} hands records to
     * {@link #learn}, which the caller starts.
     *
     * @param origin the coordinator's id, written into its records for other coordinators' logs
     * @param peers  other coordinators' Artifacts services ({@code artifacts.peers}), asked for artifacts this one lacks
     */
    public CircuitRegistry(Path dir, long maxUploadBytes, CircuitLog log, String origin, List<String> peers) {
        this(dir, maxUploadBytes, log, origin, peers, null);
    }

    /** As above, fetching from peers over TLS with this coordinator's cluster identity ({@code cluster.tls.*}; null: plaintext). */
    public CircuitRegistry(Path dir, long maxUploadBytes, CircuitLog log, String origin, List<String> peers, NodeTls tls) {
        this.blobs = dir.resolve("blobs");
        this.circuits = dir.resolve("circuits");
        this.maxUploadBytes = maxUploadBytes;
        this.log = log;
        this.origin = origin;
        try {
            Files.createDirectories(blobs);
            Files.createDirectories(circuits);
            try (Stream<Path> s = Files.list(circuits)) {
                for (Path p : s.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                    Circuit.Builder b = Circuit.newBuilder();
                    JsonFormat.parser().merge(Files.readString(p), b);
                    local.add(b.build());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("circuit registry " + dir + ": " + e.getMessage(), e);
        }
        this.peers = new PeerArtifacts(blobs, peers, tls);
    }

    /**
     * Where this coordinator serves artifacts (host:port of its Artifacts service): written into its registrations so
     * other coordinators fetch from it. Set before the first registration.
     */
    public void servingArtifactsAt(String address) {
        this.artifactsAddress = address;
        peers.self(address);
    }

    /**
     * One record of the log, in the log's order (the log's thread). The first record of a name@version makes the
     * circuit; a later one with the same artifacts changes nothing, one with other artifacts is ignored and logged.
     * Artifacts this coordinator lacks are fetched from the registering coordinator or the peers.
     */
    public void learn(CircuitRecord r) {
        Circuit c = r.getCircuit();
        String name = c.getName();
        Circuit known = byName.get(name);
        if (known != null) {
            if (!sameArtifacts(known, c))
                logger.warn("circuit {}: a later registration by coordinator {} with other artifacts (zkey {}) is ignored; the farm's "
                        + "first registration (zkey {}) stands", name, r.getOrigin(), c.getZkeySha256(), known.getZkeySha256());
            return;
        }
        String[] nv = name.split("@", -1);
        // what registration checks; the name becomes a file name here
        if (nv.length != 2 || !PART.matcher(nv[0]).matches() || !PART.matcher(nv[1]).matches() || !Sha256.isHex(c.getZkeySha256())
                || !Sha256.isHex(c.getWasmSha256()) || !(c.getVkeySha256().isEmpty() || Sha256.isHex(c.getVkeySha256()))) {
            logger.warn("registry record of {} by coordinator {} names no valid artifacts; ignored", Identifiers.quote(name), r.getOrigin());
            return;
        }
        for (String sha : artifacts(c)) {
            registeredAt.putIfAbsent(sha, r.getArtifactsAddress());
            if (blob(sha).isEmpty()) peers.want(sha, r.getArtifactsAddress());
        }
        writeLocal(c);
        byName.put(name, c);
    }

    /**
     * Appends the circuits found under {@code circuits/} at start that the log does not have (their artifacts are
     * here); one the log has with other artifacts was replaced by the log's when it was learnt. Call once the log is
     * read to its end, before serving.
     */
    public void publishLocal() {
        for (Circuit c : local) {
            if (byName.containsKey(c.getName())) continue;
            if (artifacts(c).stream().anyMatch(sha -> blob(sha).isEmpty())) {
                logger.warn("circuit {} under {}: its artifacts are missing; not published", c.getName(), circuits);
                continue;
            }
            try {
                Circuit won = replicate(c);
                logger.info("circuit {} from this coordinator's directory published to the registry{}", c.getName(),
                        sameArtifacts(won, c) ? "" : " but another registration came first; the farm's stands");
            } catch (RegistryUnavailableException e) {
                throw new IllegalStateException("circuit registry: " + e.getMessage());
            }
        }
        local.clear();
    }

    /** Whether a known circuit uses this artifact, which this coordinator does not hold yet; if so its fetch is (re)started. */
    public boolean fetching(String sha256) {
        String from = registeredAt.get(sha256);
        if (from == null || blob(sha256).isPresent()) return false;
        peers.want(sha256, from);
        return true;
    }

    /** Stops fetching artifacts from peers. */
    @Override
    public void close() throws InterruptedException { peers.close(); }

    /** The circuit a reference names: exact name@version, a bare name (its latest version), or a zkey SHA-256. */
    public Circuit resolve(CircuitRef ref) throws CircuitNotFoundException {
        return switch (ref.getRefCase()) {
            case NAME -> {
                String n = ref.getName();
                Circuit c = byName.get(n);
                if (c == null && !n.contains("@"))
                    c = byName.values().stream().filter(x -> x.getName().startsWith(n + "@"))
                            .max(Comparator.comparingLong(x -> Timestamps.toNanos(x.getRegisteredAt()))).orElse(null);
                if (c == null) throw new CircuitNotFoundException("circuit " + Identifiers.quote(n) + " is not registered");
                yield c;
            }
            case ZKEY_SHA256 -> byName.values().stream().filter(x -> x.getZkeySha256().equals(ref.getZkeySha256()))
                    .findFirst().orElseThrow(() -> new CircuitNotFoundException("no circuit with zkey SHA-256 " + Identifiers.quote(ref.getZkeySha256())));
            case REF_NOT_SET -> throw new CircuitNotFoundException("no circuit named in the request (circuit.name or circuit.zkey_sha256)");
        };
    }

    public List<Circuit> list() {
        return byName.values().stream().sorted(Comparator.comparing(Circuit::getName)).toList();
    }

    /** The stored artifact with this SHA-256, if any. */
    public Optional<Path> blob(String sha256) {
        if (!Sha256.isHex(sha256)) return Optional.empty();
        Path p = blobs.resolve(sha256);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    /** Registers local files (used by {@code ppfarm up} for the bundled circuits); hashes are computed here. */
    public Circuit registerFiles(String name, String version, Path zkey, Path wasm, Path vkey) throws RegistrationException {
        RegisterCircuitHeader.Builder h = RegisterCircuitHeader.newBuilder().setName(name).setVersion(version)
                .setZkeySha256(Sha256.of(zkey)).setWasmSha256(Sha256.of(wasm));
        if (vkey != null) h.setVkeySha256(Sha256.of(vkey));
        try (Upload u = begin(h.build())) {
            u.copy(ArtifactKind.ARTIFACT_KIND_ZKEY, zkey);
            u.copy(ArtifactKind.ARTIFACT_KIND_WASM, wasm);
            if (vkey != null) u.copy(ArtifactKind.ARTIFACT_KIND_VKEY, vkey);
            return u.commit();
        }
    }

    /** Starts an upload; the header is checked now, the bytes as they arrive, the hashes at {@link Upload#commit()}. */
    public Upload begin(RegisterCircuitHeader h) throws RegistrationException {
        if (!PART.matcher(h.getName()).matches()) throw new RegistrationException("name: " + PART_RULE);
        if (!PART.matcher(h.getVersion()).matches()) throw new RegistrationException("version: " + PART_RULE);
        checkSha("zkey_sha256", h.getZkeySha256(), false);
        checkSha("wasm_sha256", h.getWasmSha256(), false);
        checkSha("vkey_sha256", h.getVkeySha256(), true);
        return new Upload(h);
    }

    private static void checkSha(String field, String v, boolean optional) throws RegistrationException {
        if (optional && v.isEmpty()) return;
        if (!Sha256.isHex(v)) throw new RegistrationException(field + ": expected 64 lowercase hex digits");
    }

    /** One circuit upload in progress. Not thread-safe (one gRPC stream feeds it). Close discards what is uncommitted. */
    public final class Upload implements AutoCloseable {
        private final RegisterCircuitHeader header;
        private final Map<ArtifactKind, Part> parts = new EnumMap<>(ArtifactKind.class);
        private long total;
        private boolean committed;

        private Upload(RegisterCircuitHeader header) { this.header = header; }

        private record Part(Path tmp, OutputStream out, MessageDigest md, long[] size) {}

        public void write(ArtifactKind kind, byte[] data, int off, int len) throws RegistrationException {
            String declared = declared(kind);
            if (declared.isEmpty()) throw new RegistrationException(kind + ": not declared in the header");
            total += len;
            if (total > maxUploadBytes)
                throw new RegistrationException("upload exceeds the limit of " + maxUploadBytes + " bytes (" + "circuit.upload.max.bytes)");
            try {
                Part p = parts.get(kind);
                if (p == null) {
                    Path tmp = Files.createTempFile(blobs, ".upload-", ".tmp");
                    p = new Part(tmp, Files.newOutputStream(tmp), Sha256.digest(), new long[1]);
                    parts.put(kind, p);
                }
                p.out.write(data, off, len);
                p.md.update(data, off, len);
                p.size[0] += len;
            } catch (IOException e) {
                throw new UncheckedIOException("circuit registry: cannot store upload: " + e.getMessage(), e);
            }
        }

        void copy(ArtifactKind kind, Path file) throws RegistrationException {
            try (var in = Files.newInputStream(file)) {
                byte[] buf = new byte[1 << 20];
                for (int n; (n = in.read(buf)) > 0; ) write(kind, buf, 0, n);
            } catch (IOException e) {
                throw new RegistrationException("cannot read " + file + ": " + e.getMessage());
            }
        }

        private String declared(ArtifactKind kind) {
            return switch (kind) {
                case ARTIFACT_KIND_ZKEY -> header.getZkeySha256();
                case ARTIFACT_KIND_WASM -> header.getWasmSha256();
                case ARTIFACT_KIND_VKEY -> header.getVkeySha256();
                default -> "";
            };
        }

        /**
         * Checks every hash, stores the artifacts, appends the circuit to the log and waits until the log says it is the
         * farm's; nothing is registered if any check fails or another registration of the name came first.
         */
        public Circuit commit() throws RegistrationException {
            List<ArtifactKind> kinds = new ArrayList<>(List.of(ArtifactKind.ARTIFACT_KIND_ZKEY, ArtifactKind.ARTIFACT_KIND_WASM));
            if (!header.getVkeySha256().isEmpty()) kinds.add(ArtifactKind.ARTIFACT_KIND_VKEY);
            for (ArtifactKind k : kinds) {
                Part p = parts.get(k);
                if (p == null) throw new RegistrationException(k + ": declared but no bytes uploaded");
                try { p.out.close(); } catch (IOException e) { throw new UncheckedIOException(e); }
                String actual = Sha256.hex(p.md);
                if (!actual.equals(declared(k)))
                    throw new RegistrationException(k + ": SHA-256 of the uploaded bytes is " + actual + ", declared " + declared(k) + "; nothing registered");
            }
            String name = header.getName() + "@" + header.getVersion();
            Part zkey = parts.get(ArtifactKind.ARTIFACT_KIND_ZKEY);
            Part vkey = parts.get(ArtifactKind.ARTIFACT_KIND_VKEY);
            ZkeyFile.Header zh = ArtifactChecks.check(zkey.tmp, parts.get(ArtifactKind.ARTIFACT_KIND_WASM).tmp, vkey == null ? null : vkey.tmp,
                    header.getSampleInputJson().toByteArray());
            Circuit c = Circuit.newBuilder().setName(name).setZkeySha256(header.getZkeySha256())
                    .setWasmSha256(header.getWasmSha256()).setVkeySha256(header.getVkeySha256())
                    .setZkeySize(zkey.size[0]).setWasmSize(parts.get(ArtifactKind.ARTIFACT_KIND_WASM).size[0])
                    .setNPublic(zh.nPublic()).setRegisteredAt(Timestamps.fromMillis(System.currentTimeMillis())).build();
            Circuit existing = byName.get(name);
            if (existing == null) {
                // the artifacts first: once the record is in the log, other coordinators may ask for them
                for (ArtifactKind k : kinds) moveIntoPlace(parts.get(k).tmp, blobs.resolve(declared(k)));
                existing = replicate(c);
            }
            if (!sameArtifacts(existing, c))
                throw new RegistrationException("circuit " + name + " is already registered with other artifacts; register a new version");
            committed = true;
            return existing; // the same upload again (or the same artifacts registered elsewhere first): idempotent
        }

        @Override
        public void close() {
            for (Part p : parts.values()) {
                try { p.out.close(); } catch (IOException ignored) { /* best effort */ }
                try { Files.deleteIfExists(p.tmp); } catch (IOException ignored) { /* best effort */ }
            }
            if (!committed) parts.clear();
        }
    }

    /**
     * Appends {@code c} to the log and returns the circuit the log then holds under its name: {@code c}, or the
     * registration that came first.
     */
    private Circuit replicate(Circuit c) throws RegistryUnavailableException {
        CircuitRecord r = CircuitRecord.newBuilder().setCircuit(c).setArtifactsAddress(artifactsAddress).setOrigin(origin).build();
        try {
            log.append(r).get(APPEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new RegistryUnavailableException("circuit " + c.getName() + ": the registry topic did not take the registration ("
                    + e.getCause().getClass().getSimpleName() + "); nothing registered, try again");
        } catch (TimeoutException e) {
            throw new RegistryUnavailableException("circuit " + c.getName() + ": the registry topic did not confirm the registration within "
                    + APPEND_TIMEOUT.toSeconds() + " s; try again (the same upload is idempotent)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException("circuit " + c.getName() + ": interrupted while registering");
        }
        Circuit known = byName.get(c.getName());
        if (known == null) throw new IllegalStateException("circuit " + c.getName() + ": its record was read back but not learnt");
        return known;
    }

    /** A circuit's artifacts: zkey, wasm and, if it has one, vkey. */
    private static List<String> artifacts(Circuit c) {
        return c.getVkeySha256().isEmpty() ? List.of(c.getZkeySha256(), c.getWasmSha256())
                : List.of(c.getZkeySha256(), c.getWasmSha256(), c.getVkeySha256());
    }

    private static boolean sameArtifacts(Circuit a, Circuit b) {
        return a.getZkeySha256().equals(b.getZkeySha256()) && a.getWasmSha256().equals(b.getWasmSha256())
                && a.getVkeySha256().equals(b.getVkeySha256());
    }

    /** Writes a known circuit under {@code circuits/}, replacing whatever this directory said about its name. */
    private void writeLocal(Circuit c) {
        try {
            Path tmp = Files.createTempFile(circuits, ".circuit-", ".tmp");
            Files.writeString(tmp, JsonFormat.printer().print(c), StandardCharsets.UTF_8);
            moveIntoPlace(tmp, circuits.resolve(c.getName() + ".json"));
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        } catch (IOException e) {
            throw new UncheckedIOException("circuit registry: cannot write " + c.getName() + ": " + e.getMessage(), e);
        }
    }

    private static void moveIntoPlace(Path from, Path to) {
        try {
            try {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("circuit registry: cannot store " + to + ": " + e.getMessage(), e);
        }
    }

    /** No circuit matches a reference. Maps to NOT_FOUND. */
    public static final class CircuitNotFoundException extends Exception {
        public CircuitNotFoundException(String m) { super(m, null, false, false); }
    }

    /** The registry topic did not take or confirm a registration. Maps to UNAVAILABLE: the same upload may be retried. */
    public static final class RegistryUnavailableException extends RegistrationException {
        public RegistryUnavailableException(String m) { super(m); }
    }

    /** A refused registration; nothing was registered. Maps to INVALID_ARGUMENT (ALREADY_EXISTS for a taken name). */
    public static class RegistrationException extends Exception {
        public RegistrationException(String m) { super(m, null, false, false); }
    }
}
