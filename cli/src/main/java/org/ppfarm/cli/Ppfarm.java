package org.ppfarm.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.config.ConfigException;
import org.ppfarm.client.FarmException;
import org.ppfarm.prover.PpfarmException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ppfarm} command. Each subcommand is its own class, registered in {@code subcommands} below: adding a
 * command is one new class plus one entry there.
 *
 * <p>Exit codes: 0 success (for {@code verify}: the proof is valid), 1 the proof is invalid ({@code verify}),
 * 2 bad input — one line on stderr naming the file, section or field and the problem, never a stack trace —
 * 3 an internal error (set {@code PPFARM_DEBUG=1} for its stack trace). A setting a server refuses (an unknown or
 * misspelt key, a bad value, a missing required key) is bad input too: {@code settings: } and Kafka's message naming the key. A farm command the farm refuses (bad input,
 * unknown circuit or job, a limit, a passed deadline) exits 2 with the gRPC status, {@code CODE: description}; one the
 * farm fails to answer (unreachable, internal) exits 3.
 */
@Command(name = "ppfarm", mixinStandardHelpOptions = true, versionProvider = Ppfarm.Version.class,
        description = "Groth16 (BN254) proving for privacy pools: snarkjs-compatible prove, verify and tools.",
        subcommands = {
                ProveCommand.class,
                VerifyCommand.class,
                ZkeyCommand.class,
                CalldataCommand.class,
                BenchCommand.class,
                WtnsCommand.class,
                UpCommand.class,
                CoordinatorCommand.class,
                WorkerCommand.class,
                KafkaCommand.class,
                KeysCommand.class,
                TenantsCommand.class,
                SubmitCommand.class,
                StatusCommand.class,
                WatchCommand.class,
                CancelCommand.class,
                CircuitsCommand.class,
                UsageCommand.class,
                InputsCommand.class,
                BackendCommand.class,
                DemoCommand.class,
                LoadCommand.class,
                CommandLine.HelpCommand.class,
        })
public final class Ppfarm implements Runnable {
    public static final int OK = 0;
    public static final int INVALID = 1;
    public static final int BAD_INPUT = 2;
    public static final int INTERNAL_ERROR = 3;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(out, err, args));
    }

    /** Runs one command line with the given streams and returns the exit code (what tests call). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Ppfarm());
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((e, a) -> {
            String name = e.getCommandLine().getCommandSpec().qualifiedName();
            e.getCommandLine().getErr().println(name + ": " + oneLine(e.getMessage()) + " (see " + name + " --help)");
            return BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((e, c, parsed) -> {
            String name = c.getCommandSpec().qualifiedName();
            if (e instanceof FarmException f) {
                // the farm's status, CODE: description; refused (bad input, unknown circuit or job, a limit): 2
                c.getErr().println(name + ": " + oneLine(f.getMessage()));
                return f.refused() ? BAD_INPUT : INTERNAL_ERROR;
            }
            ConfigException setting = configException(e);
            if (setting != null) { // a server's or the embedded farm's setting: unknown key, bad value, missing
                c.getErr().println(name + ": settings: " + oneLine(setting.getMessage()));
                return BAD_INPUT;
            }
            if (e instanceof PpfarmException || e instanceof UncheckedIOException) {
                c.getErr().println(name + ": " + oneLine(e.getMessage()));
                return BAD_INPUT;
            }
            c.getErr().println(name + ": internal error: " + e.getClass().getName() + ": " + oneLine(String.valueOf(e.getMessage())));
            if ("1".equals(System.getenv("PPFARM_DEBUG"))) e.printStackTrace(c.getErr());
            return INTERNAL_ERROR;
        });
        try {
            return cl.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /**
     * The setting refused somewhere in {@code e}'s causes, or null: a config class refuses at construction, but a
     * Kafka client refuses a {@code kafka.client.*} value only when the server builds it, wrapped in a KafkaException.
     */
    private static ConfigException configException(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause())
            if (t instanceof ConfigException c) return c;
        return null;
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }

    /** The version from the jar manifest, or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Ppfarm.class.getPackage().getImplementationVersion();
            return new String[] {"ppfarm " + (v == null ? "dev" : v)};
        }
    }
}
