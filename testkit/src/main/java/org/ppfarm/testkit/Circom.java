package org.ppfarm.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Compiles circom 2 circuits for tests with the pinned npm compiler (circom2 0.2.23 = circom 2.2.3 built to
 * WebAssembly, run by node), with circomlib resolvable as {@code include "circomlib/circuits/poseidon.circom";}.
 *
 * <p>Outputs are cached under {@code Repo.cache()/circom/<name>-<sha256 of the source>} so repeated test runs
 * (and every module's tests) reuse them. Why the compiler is run the way it is: the circom2 launcher rewrites every
 * non-flag argument as a path relative to its working directory and pre-opens only that directory and its
 * ancestors for WASI, and circom then fails to find includes through {@code ../} paths; so it runs from the file
 * system root with absolute paths, which become plain relative ones. circom also refuses an output directory that
 * does not exist yet, so it is created first. Optimisation is circom's default {@code --O1}
 * (signal-to-signal and signal-to-constant simplification only), which keeps constraint counts predictable.
 */
public final class Circom {
    private Circom() {}

    /** The compiler's npm version; part of every cache key. */
    public static final String COMPILER = "circom2-0.2.23";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]+");
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");

    /**
     * A compiled circuit.
     *
     * @param name   the circuit's file stem (circom names every output after it)
     * @param sha256 hex SHA-256 of the compiler version and the main source text (the cache key)
     * @param dir    the cache directory holding everything below
     * @param r1cs   {@code <name>.r1cs}
     * @param wasm   {@code <name>_js/<name>.wasm}, circom's witness calculator
     * @param sym    {@code <name>.sym}, signal names
     */
    public record Compiled(String name, String sha256, Path dir, Path r1cs, Path wasm, Path sym) {}

    /**
     * Compiles {@code source} as {@code <name>.circom}. The source may include circomlib
     * ({@code include "circomlib/circuits/...";}) but no other files.
     */
    public static Compiled compile(String name, String source) {
        if (!NAME.matcher(name).matches()) throw new IllegalArgumentException("circuit name must match " + NAME + ": " + name);
        String sha = sha256(source);
        Path dir = Cached.dir(Repo.cache().resolve("circom").resolve(name + "-" + sha), tmp -> {
            Path src = tmp.resolve(name + ".circom");
            write(src, source);
            run(src, tmp, List.of());
        });
        return compiled(name, sha, dir);
    }

    /**
     * Compiles a circuit file in place (includes resolve relative to it, its directory and node_modules). The cache
     * key covers only this file's text, so a circuit whose local includes change must be given a new name or text.
     */
    public static Compiled compile(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        String fileName = abs.getFileName().toString();
        if (!fileName.endsWith(".circom")) throw new IllegalArgumentException(abs + ": not a .circom file");
        String name = fileName.substring(0, fileName.length() - ".circom".length());
        if (!NAME.matcher(name).matches()) throw new IllegalArgumentException(abs + ": circuit name must match " + NAME);
        String source;
        try {
            source = Files.readString(abs);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + abs + ": " + e.getMessage(), e);
        }
        String sha = sha256(source);
        Path dir = Cached.dir(Repo.cache().resolve("circom").resolve(name + "-" + sha), tmp -> {
            write(tmp.resolve(name + ".circom"), source); // a record of what was compiled
            run(abs, tmp, List.of("-l", abs.getParent().toString()));
        });
        return compiled(name, sha, dir);
    }

    private static Compiled compiled(String name, String sha, Path dir) {
        return new Compiled(name, sha, dir, dir.resolve(name + ".r1cs"),
                dir.resolve(name + "_js").resolve(name + ".wasm"), dir.resolve(name + ".sym"));
    }

    private static void run(Path src, Path out, List<String> extraIncludes) {
        List<String> cmd = new ArrayList<>(List.of("node", Repo.nodeModules().resolve("circom2/cli.js").toString(),
                "--r1cs", "--wasm", "--sym", "-l", Repo.nodeModules().toAbsolutePath().toString()));
        cmd.addAll(extraIncludes);
        cmd.addAll(List.of("-o", out.toAbsolutePath().toString(), src.toAbsolutePath().toString()));
        Node.Result r = Node.run(cmd, src.toAbsolutePath().getRoot());
        String name = src.getFileName().toString().replace(".circom", "");
        boolean complete = Files.isRegularFile(out.resolve(name + ".r1cs")) && Files.isRegularFile(out.resolve(name + ".sym"))
                && Files.isRegularFile(out.resolve(name + "_js").resolve(name + ".wasm"));
        if (r.exitCode() != 0 || !complete) {
            throw new IllegalStateException("circom2 failed on " + src + " (exit " + r.exitCode() + "): "
                    + ANSI.matcher(r.stderr() + r.stdout()).replaceAll("").strip());
        }
        write(out.resolve("circom.log"), ANSI.matcher(r.stdout()).replaceAll(""));
    }

    private static void write(Path p, String text) {
        try {
            Files.writeString(p, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + p + ": " + e.getMessage(), e);
        }
    }

    /** Hex SHA-256 of the compiler version and the UTF-8 text: the cache key. */
    static String sha256(String text) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update((COMPILER + "\n").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
