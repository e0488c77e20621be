package org.ppfarm.coordinator.webhooks;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Webhooks against a real local HTTP server (com.sun.net.httpserver): the receiver recomputes the signature from the
 * secret, timestamp and body it got; a 500 is retried; a redirect is not followed; a private or unlisted target is
 * refused before any connection.
 */
class WebhookSenderTest {
    private static final byte[] SECRET = "whsec-test-0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BODY = "{\"jobId\":\"j1\",\"status\":\"JOB_STATUS_SUCCEEDED\"}".getBytes(StandardCharsets.UTF_8);
    private static final WebhookSender.Policy LOCAL = new WebhookSender.Policy(Set.of("127.0.0.1"), true);

    private final WebhookSender sender = WebhookSender.system(Duration.ofSeconds(5), Duration.ofSeconds(5));
    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();

    /** A received request: its signature header and body. */
    record Received(String signature, byte[] body) {}

    @AfterEach
    void stop() { servers.forEach(s -> s.stop(0)); }

    /** A server answering each POST to /hook with the next of {@code statuses} (the last one repeated). */
    private HttpServer server(List<Received> got, int... statuses) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicInteger n = new AtomicInteger();
        s.createContext("/hook", x -> {
            got.add(new Received(x.getRequestHeaders().getFirst(WebhookSender.SIGNATURE_HEADER), x.getRequestBody().readAllBytes()));
            int status = statuses[Math.min(n.getAndIncrement(), statuses.length - 1)];
            if (status / 100 == 3) x.getResponseHeaders().add("Location", "http://127.0.0.1:" + s.getAddress().getPort() + "/elsewhere");
            x.sendResponseHeaders(status, -1);
            x.close();
        });
        s.createContext("/elsewhere", x -> {
            got.add(new Received("redirected", x.getRequestBody().readAllBytes()));
            x.sendResponseHeaders(200, -1);
            x.close();
        });
        s.start();
        servers.add(s);
        return s;
    }

    private static URI hook(HttpServer s) { return URI.create("http://127.0.0.1:" + s.getAddress().getPort() + "/hook?tag=1"); }

    /** What a receiver does: parse t= and v1=, recompute the HMAC over "t." + body. */
    private static void assertSigned(Received r) {
        String[] parts = r.signature().split(",");
        assertTrue(parts[0].startsWith("t=") && parts[1].startsWith("v1="), r.signature());
        long t = Long.parseLong(parts[0].substring(2));
        assertTrue(Math.abs(System.currentTimeMillis() / 1000 - t) < 60, "timestamp near now: " + t);
        assertEquals(WebhookSender.signature(SECRET, t, r.body()), r.signature());
        assertEquals(new String(BODY, StandardCharsets.UTF_8), new String(r.body(), StandardCharsets.UTF_8));
    }

    /** A fixed vector (computed with Python's hmac module), for receivers in other languages to check against. */
    @Test
    void theSignatureIsHmacSha256OverTimestampDotBody() {
        assertEquals("t=1700000000,v1=5140230edeaf3db4db64cb172557ad50339e64ec30ebbae1ab887d254beb8e87",
                WebhookSender.signature(SECRET, 1700000000L, BODY));
    }

    @Test
    void aReceiverVerifiesTheSignatureOfTheBodyItGot() throws Exception {
        List<Received> got = new CopyOnWriteArrayList<>();
        HttpServer s = server(got, 204);
        assertEquals(new WebhookSender.Outcome(true, 1, ""), sender.deliver(hook(s), LOCAL, SECRET, BODY, 3, Duration.ofMillis(10)));
        assertEquals(1, got.size());
        assertSigned(got.getFirst());
    }

    @Test
    void a500IsRetriedAndEachAttemptIsSigned() throws Exception {
        List<Received> got = new CopyOnWriteArrayList<>();
        HttpServer s = server(got, 500, 500, 200);
        assertEquals(new WebhookSender.Outcome(true, 3, ""), sender.deliver(hook(s), LOCAL, SECRET, BODY, 5, Duration.ofMillis(10)));
        assertEquals(3, got.size());
        got.forEach(WebhookSenderTest::assertSigned);
        List<Received> failing = new CopyOnWriteArrayList<>();
        WebhookSender.Outcome gaveUp = sender.deliver(hook(server(failing, 503)), LOCAL, SECRET, BODY, 2, Duration.ofMillis(10));
        assertEquals(new WebhookSender.Outcome(false, 2, "callback 127.0.0.1 answered HTTP 503"), gaveUp);
    }

    @Test
    void aRedirectIsNotFollowed() throws Exception {
        List<Received> got = new CopyOnWriteArrayList<>();
        HttpServer s = server(got, 302);
        WebhookSender.Outcome o = sender.deliver(hook(s), LOCAL, SECRET, BODY, 5, Duration.ofMillis(10));
        assertFalse(o.delivered());
        assertEquals(1, o.attempts(), "a redirect is final: no retry");
        assertTrue(o.lastError().contains("HTTP 302") && o.lastError().contains("redirect"), o.lastError());
        assertEquals(1, got.size(), "the redirect's target got nothing");
    }

    @Test
    void privateAndUnlistedTargetsAreRefusedBeforeAnyConnection() throws Exception {
        List<Received> got = new CopyOnWriteArrayList<>();
        HttpServer s = server(got, 200);
        WebhookSender.Outcome loopback = sender.deliver(hook(s), new WebhookSender.Policy(Set.of("127.0.0.1"), false), SECRET, BODY, 3, Duration.ofMillis(10));
        assertEquals(0, loopback.attempts());
        assertTrue(loopback.lastError().contains("private address 127.0.0.1"), loopback.lastError());
        WebhookSender.Outcome unlisted = sender.deliver(hook(s), new WebhookSender.Policy(Set.of("hooks.example.org"), true), SECRET, BODY, 3, Duration.ofMillis(10));
        assertTrue(unlisted.lastError().contains("not on the tenant's webhook allowlist"), unlisted.lastError());
        // an allowed name that resolves to the metadata service's address (DNS rebinding): refused, and never connected to
        WebhookSender rebinding = new WebhookSender(h -> new InetAddress[]{InetAddress.getByName("169.254.169.254")}, Duration.ofSeconds(1), Duration.ofSeconds(1));
        WebhookSender.Outcome metadata = rebinding.deliver(URI.create("https://hooks.example.org/x"),
                new WebhookSender.Policy(Set.of("hooks.example.org"), false), SECRET, BODY, 3, Duration.ofMillis(10));
        assertTrue(metadata.lastError().contains("private address 169.254.169.254"), metadata.lastError());
        assertTrue(sender.deliver(URI.create("file:///etc/passwd"), LOCAL, SECRET, BODY, 1, Duration.ZERO).lastError().contains("scheme"));
        assertEquals(0, got.size());
    }

    @Test
    void privateAddressesAreEveryNonPublicRange() throws Exception {
        for (String a : List.of("10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "127.0.0.53", "0.0.0.0",
                "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fd00::1", "::ffff:10.0.0.1"))
            assertTrue(WebhookSender.privateAddress(InetAddress.getByName(a)), a);
        for (String a : List.of("8.8.8.8", "1.1.1.1", "100.128.0.1", "2606:4700::1111", "::ffff:8.8.8.8"))
            assertFalse(WebhookSender.privateAddress(InetAddress.getByName(a)), a);
    }
}
