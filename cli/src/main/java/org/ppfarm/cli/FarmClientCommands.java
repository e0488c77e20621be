package org.ppfarm.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.ppfarm.client.ClientMain;

/**
 * The bridge from picocli commands to the farm's client ({@link ClientMain}), which owns the gRPC calls and the
 * option grammar of {@code prove|submit|status|watch|cancel|circuits} so there is one parser for them. Maps the
 * client's exit codes onto the CLI's: 0 stays 0, 2 (the farm refused the request) stays {@link Ppfarm#BAD_INPUT},
 * 1 (anything else: unreachable server, internal error) becomes {@link Ppfarm#INTERNAL_ERROR}.
 */
final class FarmClientCommands {
    private FarmClientCommands() {}

    static int run(PrintWriter out, PrintWriter err, String command, List<String> args) {
        List<String> all = new ArrayList<>(List.of(command.split(" ")));
        if (args != null) all.addAll(args);
        int code = ClientMain.run(all.toArray(String[]::new), stream(out), stream(err));
        out.flush();
        err.flush();
        return switch (code) {
            case 0 -> Ppfarm.OK;
            case 2 -> Ppfarm.BAD_INPUT;
            default -> Ppfarm.INTERNAL_ERROR;
        };
    }

    /** A PrintStream onto a PrintWriter, line by line, so streamed output (watch) appears as it comes. */
    static PrintStream stream(PrintWriter w) {
        OutputStream lines = new OutputStream() {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();

            @Override public synchronized void write(int b) {
                line.write(b);
                if (b == '\n') flush();
            }

            @Override public synchronized void flush() {
                w.print(line.toString(StandardCharsets.UTF_8));
                w.flush();
                line.reset();
            }
        };
        return new PrintStream(lines, true, StandardCharsets.UTF_8);
    }
}
