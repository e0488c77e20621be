package org.ppfarm.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A farm node's test main ({@link WorkerProcess}, {@link CoordinatorProcess}) in a JVM of its own, on this JVM's test
 * class path: a node that can be killed like a crashed machine, or whose heap holds nothing of the test's own. Its
 * standard output and error go to one file, which the caller may search; {@link #start} returns once the node printed
 * its {@code ready} line.
 *
 * @param readyLine the node's {@code ready} line (with its ports, for a coordinator)
 */
record ChildJvm(Process process, Path output, String readyLine) {
    /** {@code worker ID ready}, {@code coordinator ID ready grpc=…}: not a log line that says something is ready. */
    private static final Pattern READY = Pattern.compile("(worker|coordinator) \\S+ ready( .*)?");

    /** Starts {@code main} with {@code key=value} arguments from {@code props}, and waits up to 2 minutes for it to be ready. */
    static ChildJvm start(Class<?> main, Map<String, Object> props, Path output, List<String> jvmArgs) throws Exception {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", cp, main.getName()));
        props.forEach((k, v) -> cmd.add(k + "=" + v));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        long end = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < end) {
            for (String line : Files.readAllLines(output, StandardCharsets.UTF_8))
                if (READY.matcher(line).matches()) return new ChildJvm(p, output, line);
            if (!p.isAlive()) throw new AssertionError(main.getSimpleName() + " exited before it was ready; its output: " + Files.readString(output));
            Thread.sleep(100);
        }
        p.destroyForcibly();
        throw new AssertionError(main.getSimpleName() + " not ready within 2 minutes; its output: " + Files.readString(output));
    }

    /**
     * Dumps the live objects of the node's heap (HPROF; {@code jcmd PID GC.heap_dump}, which collects garbage first)
     * to {@code file}.
     */
    Path heapDump(Path file) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process d = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "GC.heap_dump", file.toAbsolutePath().toString())
                .redirectErrorStream(true).start();
        String out = new String(d.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!d.waitFor(2, TimeUnit.MINUTES) || d.exitValue() != 0 || !Files.isRegularFile(file))
            throw new AssertionError("jcmd GC.heap_dump of pid " + process.pid() + " failed: " + out);
        return file;
    }

    /** Kills the node (SIGKILL) and waits for it to end. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }
}
