package org.ppfarm.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the npm reference tools installed from the committed lockfile (scripts/setup-node.sh). */
public final class Node {
    private Node() {}

    /** Result of a finished process. */
    public record Result(int exitCode, String stdout, String stderr) {
        public Result orThrow(String what) {
            if (exitCode != 0) throw new IllegalStateException(what + " exited " + exitCode + ": " + stderr + stdout);
            return this;
        }
    }

    /** {@code node node_modules/snarkjs/build/cli.cjs args...}; throws when snarkjs exits non-zero. */
    public static String snarkjs(String... args) {
        return snarkjsResult(args).orThrow("snarkjs " + String.join(" ", args)).stdout();
    }

    /** Like {@link #snarkjs} but returns the exit code instead of throwing (for verify, which exits 1 on an invalid proof). */
    public static Result snarkjsResult(String... args) {
        List<String> cmd = new ArrayList<>(List.of("node", Repo.nodeModules().resolve("snarkjs/build/cli.cjs").toString()));
        cmd.addAll(List.of(args));
        return run(cmd, Repo.root());
    }

    /** Runs a node script (a path, or {@code -e} code) with node_modules resolvable from the repository root. */
    public static Result node(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("node");
        cmd.addAll(args);
        return run(cmd, Repo.root());
    }

    /** Runs a command, collecting stdout and stderr; 10 minute limit. */
    public static Result run(List<String> cmd, Path dir) {
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).start();
            p.getOutputStream().close();
            byte[][] err = new byte[1][];
            Thread errReader = Thread.ofVirtual().start(() -> {
                try { err[0] = p.getErrorStream().readAllBytes(); } catch (IOException e) { err[0] = e.toString().getBytes(); }
            });
            byte[] stdout = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.MINUTES)) { p.destroyForcibly(); throw new IllegalStateException("timed out: " + cmd); }
            errReader.join();
            return new Result(p.exitValue(), new String(stdout, StandardCharsets.UTF_8), new String(err[0], StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + cmd + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + cmd, e);
        }
    }
}
