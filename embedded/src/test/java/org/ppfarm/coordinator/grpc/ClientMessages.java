package org.ppfarm.coordinator.grpc;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an error message a client sees may hold (issue 13, finding 7): the circuit, the field or signal and what is
 * wrong with it; never a path of the farm's machines, a Java class name or a library's internals.
 */
public final class ClientMessages {
    private ClientMessages() {}

    /** Words that only an exception's class name, a stack trace or a library's own message would put in a message. */
    private static final List<String> INTERNALS = List.of("Exception", "Error:", "com.fasterxml", "StreamReadConstraints",
            "java.", "javax.", "org.ppfarm", "io.grpc", "org.apache", "io.netty", "Status{", "\tat ");
    /** Something like /tmp/x or /home/u/...: two path segments at least. */
    private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9._-]+/[A-Za-z0-9._-]+");

    /** Asserts {@code message} is clean (see the class) and names each of {@code names}. */
    public static void assertClean(String message, String... names) {
        assertNotNull(message, "no message");
        assertFalse(message.contains("/"), "a path in: " + message);
        assertFalse(message.contains("\n"), "more than one line: " + message);
        for (String w : INTERNALS) assertFalse(message.contains(w), "'" + w + "' in: " + message);
        for (String n : names) assertTrue(message.contains(n), "'" + n + "' not named in: " + message);
    }

    /**
     * Why {@code message} is not clean, or null: as {@link #assertClean}, except that text the client sent itself
     * ({@code request}, as ISO-8859-1) may come back quoted — a fuzzed name may hold a '/' or the word Exception.
     */
    public static String problem(String message, byte[] request) {
        if (message == null) return null;
        String sent = new String(request, java.nio.charset.StandardCharsets.ISO_8859_1)
                + new String(request, java.nio.charset.StandardCharsets.UTF_8);
        Matcher m = PATH.matcher(message);
        while (m.find()) if (!sent.contains(m.group())) return "a path (" + m.group() + ")";
        for (String w : INTERNALS) if (message.contains(w) && !sent.contains(w)) return "'" + w + "'";
        return null;
    }
}
