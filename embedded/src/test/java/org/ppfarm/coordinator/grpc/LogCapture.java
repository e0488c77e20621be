package org.ppfarm.coordinator.grpc;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What the process logs while open: lines written to System.err (where slf4j-simple, the farm's logger, writes; they
 * still reach the console too) and java.util.logging records (grpc-java's and Netty's logger, whose console handler
 * holds the original stream).
 */
final class LogCapture implements AutoCloseable {
    private final PrintStream original = System.err;
    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override public void publish(LogRecord r) { records.add(r); }
        @Override public void flush() {}
        @Override public void close() {}
    };

    LogCapture() {
        OutputStream tee = new OutputStream() {
            @Override public void write(int b) {
                original.write(b);
                synchronized (copy) { copy.write(b); }
            }

            @Override public void write(byte[] b, int off, int len) {
                original.write(b, off, len);
                synchronized (copy) { copy.write(b, off, len); }
            }
        };
        System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
        Logger.getLogger("").addHandler(handler);
    }

    /** Lines written to System.err so far. */
    List<String> lines() {
        String s;
        synchronized (copy) { s = copy.toString(StandardCharsets.UTF_8); }
        return s.lines().toList();
    }

    /** java.util.logging records so far (each one a line, plus its stack trace if it has one). */
    List<LogRecord> records() { return List.copyOf(records); }

    /**
     * Every line logged so far, stack traces counted line by line; but Pekko's heartbeat-starvation warnings, which a
     * loaded 2-core machine writes whatever the test does.
     */
    int lineCount() {
        int n = (int) lines().stream().filter(l -> !l.contains("HeartbeatStarvation")).count();
        for (LogRecord r : records) n += 1 + (r.getThrown() == null ? 0 : r.getThrown().getStackTrace().length);
        return n;
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(handler);
        System.setErr(original);
    }
}
