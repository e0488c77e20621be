package org.ppfarm.coordinator.registry;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import org.ppfarm.prover.format.ZkeyFile;
import org.ppfarm.coordinator.inputs.Identifiers;
import org.ppfarm.farm.Sha256;
import org.ppfarm.proto.v1.ArtifactKind;
import org.ppfarm.proto.v1.Circuit;
import org.ppfarm.proto.v1.CircuitRef;
import org.ppfarm.proto.v1.RegisterCircuitHeader;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The coordinator's circuit registry. Artifacts are content-addressed: stored once under {@code blobs/<sha256>},
 * served to workers by that hash, and referenced by circuits named {@code name@version} (one JSON file each under
 * {@code circuits/}). A name@version is immutable: registering it again with other artifacts (a vkey present or
 * absent counts) is refused. Uploads are written to temporary files while being hashed and become visible only after
 * every declared hash matched and the artifacts proved to be one circuit's ({@link ArtifactChecks}).
 *
 * <p>Thread-safe; registrations of distinct circuits may run concurrently.
 */
public final class CircuitRegistry {
    /** A name or version: a letter or digit first (no hidden files, no "." or ".."), then letters, digits, '_', '-', '.'. */
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final String PART_RULE = "1-64 characters, a letter or digit first, then letters, digits, '_', '-' or '.'";

    private final Path blobs;
    private final Path circuits;
    private final long maxUploadBytes;
    private final Map<String, Circuit> byName = new ConcurrentHashMap<>();

    public CircuitRegistry(Path dir, long maxUploadBytes) {
        this.blobs = dir.resolve("blobs");
        this.circuits = dir.resolve("circuits");
        this.maxUploadBytes = maxUploadBytes;
        try {
            Files.createDirectories(blobs);
            Files.createDirectories(circuits);
            try (Stream<Path> s = Files.list(circuits)) {
                for (Path p : s.filter(f -> f.toString().endsWith(".json")).toList()) {
                    Circuit.Builder b = Circuit.newBuilder();
                    JsonFormat.parser().merge(Files.readString(p), b);
                    byName.put(b.getName(), b.build());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("circuit registry " + dir + ": " + e.getMessage(), e);
        }
    }

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

        /** Checks every hash, stores the artifacts and the circuit; nothing is registered if any check fails. */
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
            ZkeyFile.Header zh = ArtifactChecks.check(zkey.tmp, parts.get(ArtifactKind.ARTIFACT_KIND_WASM).tmp, vkey == null ? null : vkey.tmp);
            synchronized (CircuitRegistry.this) {
                Circuit existing = byName.get(name);
                if (existing != null) {
                    if (existing.getZkeySha256().equals(header.getZkeySha256()) && existing.getWasmSha256().equals(header.getWasmSha256())
                            && existing.getVkeySha256().equals(header.getVkeySha256()))
                        return existing; // the same upload again: idempotent
                    throw new RegistrationException("circuit " + name + " is already registered with other artifacts; register a new version");
                }
                for (ArtifactKind k : kinds) moveIntoPlace(parts.get(k).tmp, blobs.resolve(declared(k)));
                Circuit c = Circuit.newBuilder().setName(name).setZkeySha256(header.getZkeySha256())
                        .setWasmSha256(header.getWasmSha256()).setVkeySha256(header.getVkeySha256())
                        .setZkeySize(zkey.size[0]).setWasmSize(parts.get(ArtifactKind.ARTIFACT_KIND_WASM).size[0])
                        .setNPublic(zh.nPublic()).setRegisteredAt(Timestamps.fromMillis(System.currentTimeMillis())).build();
                try {
                    Path tmp = Files.createTempFile(circuits, ".circuit-", ".tmp");
                    Files.writeString(tmp, JsonFormat.printer().print(c), StandardCharsets.UTF_8);
                    moveIntoPlace(tmp, circuits.resolve(name + ".json"));
                } catch (InvalidProtocolBufferException e) {
                    throw new AssertionError(e);
                } catch (IOException e) {
                    throw new UncheckedIOException("circuit registry: cannot write " + name + ": " + e.getMessage(), e);
                }
                byName.put(name, c);
                committed = true;
                return c;
            }
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

    /** A refused registration; nothing was registered. Maps to INVALID_ARGUMENT (ALREADY_EXISTS for a taken name). */
    public static final class RegistrationException extends Exception {
        public RegistrationException(String m) { super(m, null, false, false); }
    }
}
