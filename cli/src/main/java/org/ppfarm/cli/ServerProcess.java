package org.ppfarm.cli;

import java.io.IOException;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.ppfarm.farm.config.FarmConfigs;
import org.ppfarm.prover.PpfarmException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * What {@code ppfarm coordinator} and {@code ppfarm worker} share: their settings — properties files and
 * {@code key=value} arguments, in order ({@link FarmConfigs#load}) — and serving until SIGTERM/SIGINT.
 */
final class ServerProcess {
    @Spec(Spec.Target.MIXEE) CommandSpec spec;
    @Parameters(paramLabel = "<file.properties|key=value>", arity = "1..*",
            description = "Properties files and key=value settings, applied in order (a later one wins).")
    List<String> settings;

    /** The settings as the server's config class takes them; an unreadable file is bad input, one line. */
    Properties load() {
        try {
            return FarmConfigs.load(settings);
        } catch (IOException e) {
            throw new PpfarmException(e.getMessage(), e);
        }
    }

    /** A port option (0: a free one) checked before anything starts: one line, exit 2. */
    static void requirePort(CommandSpec spec, String option, int port) {
        if (port < 0 || port > 65535)
            throw new ParameterException(spec.commandLine(), option + ": " + port + " is not a port (0 to 65535)");
    }

    /** As {@link #serveUntilStopped(CommandSpec, String, AutoCloseable, CompletionStage)} for a server that cannot break. */
    static int serveUntilStopped(CommandSpec spec, String ready, AutoCloseable server) throws InterruptedException {
        return serveUntilStopped(spec, ready, server, new java.util.concurrent.CompletableFuture<>());
    }

    /**
     * Prints {@code ready} (what scripts and tests wait for), then serves until the process is told to stop
     * (SIGTERM/SIGINT), when {@code server} is closed — gracefully — before the process exits (0); or until the server
     * breaks ({@code broken} completes: its cluster node was downed), when it is closed and the process exits
     * {@link Ppfarm#INTERNAL_ERROR} after one line naming the reason, rather than serve broken; a supervisor restarts it.
     */
    static int serveUntilStopped(CommandSpec spec, String ready, AutoCloseable server, CompletionStage<String> broken)
            throws InterruptedException {
        spec.commandLine().getOut().println(ready);
        spec.commandLine().getOut().flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            close(spec, server);
            stopped.countDown();
        });
        Runtime.getRuntime().addShutdownHook(hook);
        AtomicReference<String> fatal = new AtomicReference<>();
        broken.thenAccept(reason -> {
            fatal.set(reason);
            stopped.countDown();
        });
        stopped.await();
        if (fatal.get() == null) return Ppfarm.OK;
        spec.commandLine().getErr().println(spec.qualifiedName() + ": " + Ppfarm.oneLine(fatal.get()) + "; exiting");
        spec.commandLine().getErr().flush();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
            close(spec, server);
        } catch (IllegalStateException e) {
            // a SIGTERM came meanwhile: the shutdown hook closes the server
        }
        return Ppfarm.INTERNAL_ERROR;
    }

    private static void close(CommandSpec spec, AutoCloseable server) {
        try {
            server.close();
        } catch (Exception e) {
            spec.commandLine().getErr().println(spec.qualifiedName() + ": shutdown: " + Ppfarm.oneLine(String.valueOf(e.getMessage())));
            spec.commandLine().getErr().flush();
        }
    }
}
