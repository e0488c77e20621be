package org.ppfarm.witness;

import com.dylibso.chicory.compiler.internal.Compiler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Properties;
import org.ppfarm.witness.wasm.BoundedCalls;
import org.ppfarm.witness.wasm.FunctionOutliner;
import org.ppfarm.witness.wasm.WasmBinary;

/**
 * Compiled circuits on disk, so a restarted process loads a circuit in well under a second instead of outlining and
 * compiling it again (seconds for the 0xbow circuits).
 *
 * <p>An entry is named by the SHA-256 of the wasm and of {@link #version()}: the entry format, Chicory's version, the
 * outliner's thresholds and the SHA-256 of the classes that shape the generated code ({@link FunctionOutliner},
 * {@link WasmBinary}, {@link CompiledCircuit}, {@link InterruptionChecks}, {@link BoundedCalls}, this class,
 * Chicory's compiler; nested classes included). A new Chicory or a changed outliner therefore never reads an old
 * entry. Inside, the entry repeats the version and the wasm's digest and ends with the SHA-256 of everything before
 * it; an entry that is truncated, corrupt, of another version or of another wasm is ignored (and replaced by a fresh
 * compilation), never run. Entries are written to a temporary file in the same directory and renamed into place atomically, so workers
 * sharing the directory see either no entry or a whole one; two that compile the same circuit at once both write the
 * same bytes and the last rename wins.
 *
 * <p>Trust: an entry is JVM bytecode the process will run. The directory must be writable only by the farm's own
 * processes, like its jars; the digests catch damage, not an attacker who can write there.
 */
final class CircuitCache {
    private static final byte[] MAGIC = "ppfarm-circuit\n".getBytes(StandardCharsets.US_ASCII);
    private static final int FORMAT = 1;

    private final Path dir;

    CircuitCache(Path dir) {
        this.dir = dir;
    }

    /** What a cached entry depends on besides the wasm; a change to any part makes every older entry unused. */
    static String version(int outlineAbove, int outlineChunk) {
        return "format " + FORMAT + "; chicory " + chicoryVersion() + "; outline " + outlineAbove + "/" + outlineChunk
                + "; code " + HexFormat.of().formatHex(classDigest(FunctionOutliner.class, WasmBinary.class, CompiledCircuit.class, InterruptionChecks.class,
                        BoundedCalls.class, CircuitCache.class, Compiler.class));
    }

    /** The entry's file for this wasm and version. */
    Path entry(byte[] wasmDigest, String version) {
        MessageDigest d = sha256();
        d.update(wasmDigest);
        d.update(version.getBytes(StandardCharsets.UTF_8));
        return dir.resolve(HexFormat.of().formatHex(d.digest()) + ".circuit");
    }

    /** The compiled circuit for {@code wasmDigest} and {@code version}, or null when there is none or it is unusable. */
    CompiledCircuit read(byte[] wasmDigest, String version) {
        byte[] all;
        try {
            all = Files.readAllBytes(entry(wasmDigest, version));
        } catch (IOException e) {  // NoSuchFileException: not cached yet
            return null;
        }
        if (all.length < MAGIC.length + 32) return null;
        byte[] body = Arrays.copyOf(all, all.length - 32);
        if (!MessageDigest.isEqual(sha256().digest(body), Arrays.copyOfRange(all, all.length - 32, all.length))) return null;
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(body))) {
            if (!Arrays.equals(in.readNBytes(MAGIC.length), MAGIC) || in.readInt() != FORMAT) return null;
            if (!in.readUTF().equals(version)) return null;
            if (!MessageDigest.isEqual(in.readNBytes(32), wasmDigest)) return null;
            CompiledCircuit c = CompiledCircuit.readFrom(in);
            return in.available() == 0 ? c : null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Stores {@code circuit} (best effort: a full disk or a read-only directory costs the next start a compilation,
     * nothing else; the reason is returned for the caller to report, null on success).
     */
    String write(byte[] wasmDigest, String version, CompiledCircuit circuit) {
        Path target = entry(wasmDigest, version);
        Path tmp = null;
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.write(MAGIC);
                out.writeInt(FORMAT);
                out.writeUTF(version);
                out.write(wasmDigest);
                circuit.writeTo(out);
            }
            byte[] body = bytes.toByteArray();
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, target.getFileName().toString(), ".tmp");
            try (var out = Files.newOutputStream(tmp)) {
                out.write(body);
                out.write(sha256().digest(body));
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                return dir + ": the file system cannot rename atomically; compiled circuit not cached";
            }
            tmp = null;
            return null;
        } catch (IOException | RuntimeException e) {
            return target + ": cannot write the compiled circuit: " + e.getMessage();
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a stray temporary file; the next write uses another name
                }
            }
        }
    }

    static byte[] sha256(byte[] data) {
        return sha256().digest(data);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every Java platform has SHA-256", e);
        }
    }

    private static String chicoryVersion() {
        try (InputStream in = Compiler.class.getResourceAsStream("/META-INF/maven/com.dylibso.chicory/compiler/pom.properties")) {
            if (in == null) return "unknown";
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** SHA-256 over the class files of {@code classes} and their nested classes, as the running code loaded them. */
    private static byte[] classDigest(Class<?>... classes) {
        MessageDigest d = sha256();
        for (Class<?> c : classes) digestClass(d, c);
        return d.digest();
    }

    private static void digestClass(MessageDigest d, Class<?> c) {
        String file = c.getName().substring(c.getName().lastIndexOf('.') + 1) + ".class";
        try (InputStream in = c.getResourceAsStream(file)) {
            if (in == null) throw new IllegalStateException("cannot read the class file of " + c.getName());
            d.update(in.readAllBytes());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the class file of " + c.getName() + ": " + e.getMessage(), e);
        }
        Class<?>[] nested = c.getDeclaredClasses();
        Arrays.sort(nested, java.util.Comparator.comparing(Class::getName));
        for (Class<?> n : nested) digestClass(d, n);
    }
}
