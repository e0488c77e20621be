package org.ppfarm.coordinator.webhooks;

import org.ppfarm.proto.v1.TenantRecord;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;

/**
 * Delivers a signed webhook: one HTTP/1.1 POST of a job's result JSON to a tenant's callback URL, retried with
 * exponential backoff, never following a redirect. Guards against SSRF (a tenant making the coordinator call into the
 * farm's private network): the URL's host must be on the tenant's allowlist; it is resolved <em>once</em>, every
 * address it resolves to is checked (loopback, private, link-local, CGNAT, unique-local, multicast and unspecified
 * addresses are refused unless the tenant's policy allows private targets), and the connection goes to the checked
 * address itself, so a second lookup cannot rebind the name. With https the certificate is still checked against the
 * URL's host name (SNI and endpoint identification), not the address.
 *
 * <p>Signature header {@value #SIGNATURE_HEADER}: {@code t=<unix seconds>,v1=<hex>}, where {@code <hex>} is the
 * lowercase hex of HMAC-SHA256 keyed with the tenant's webhook secret over the ASCII bytes of {@code <unix seconds>},
 * a '.', then the body's bytes. A receiver recomputes it, compares in constant time and rejects timestamps too far from
 * its clock (replays). docs/security.md, "Signed webhooks".
 *
 * <p>Thread-safe and stateless; {@link #deliver} blocks (sleeps between attempts): call it off the gRPC and actor
 * threads.
 */
public final class WebhookSender {
    public static final String SIGNATURE_HEADER = "X-Ppfarm-Signature";
    /** Most bytes of a response read (status line and headers; the body is not needed). */
    private static final int MAX_RESPONSE_HEAD = 8192;
    /** Longest callback URL taken. */
    public static final int MAX_URL_BYTES = 2048;

    /** Where a tenant's webhooks may go: hosts (exact, case-insensitive) and whether private addresses are allowed. */
    public record Policy(Set<String> allowedHosts, boolean allowPrivate) {
        /** A tenant's policy as its record holds it (null: no tenant); none at all without a webhook secret. */
        public static Policy of(TenantRecord t) {
            if (t == null || t.getWebhookSecret().isEmpty()) return new Policy(Set.of(), false);
            return new Policy(Set.copyOf(t.getWebhook().getAllowedHostsList()), t.getWebhook().getAllowPrivate());
        }
    }

    /** Name resolution, injectable so tests can make an allowed name resolve to a private address. */
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** A target the policy refuses (host not allowed, private address, bad URL). Never retried. */
    public static final class RefusedTargetException extends Exception {
        public RefusedTargetException(String m) { super(m, null, false, false); }
    }

    /** How a delivery ended: delivered or not, after how many attempts, the last error ("" once delivered). */
    public record Outcome(boolean delivered, int attempts, String lastError) {}

    private final Resolver resolver;
    private final Duration connectTimeout;
    private final Duration readTimeout;

    public WebhookSender(Resolver resolver, Duration connectTimeout, Duration readTimeout) {
        this.resolver = resolver;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
    }

    /** A sender resolving with the system's resolver. */
    public static WebhookSender system(Duration connectTimeout, Duration readTimeout) {
        return new WebhookSender(InetAddress::getAllByName, connectTimeout, readTimeout);
    }

    /** The {@value #SIGNATURE_HEADER} value for {@code body} sent at {@code unixSeconds}. */
    public static String signature(byte[] secret, long unixSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update((unixSeconds + ".").getBytes(StandardCharsets.US_ASCII));
            return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 not available", e);
        }
    }

    /**
     * POSTs {@code body} (JSON) to {@code url} up to {@code maxAttempts} times, waiting {@code firstBackoff}, then twice
     * as long each time, between attempts. A 2xx answer delivers it; a refused target, a redirect (3xx, not followed)
     * and a 4xx other than 408 and 429 end it at once (retrying cannot help); anything else (5xx, 408, 429, a network
     * error) is retried. Each attempt is signed with its own timestamp.
     */
    public Outcome deliver(URI url, Policy policy, byte[] secret, byte[] body, int maxAttempts, Duration firstBackoff) throws InterruptedException {
        InetAddress address;
        try {
            address = check(url, policy);
        } catch (RefusedTargetException e) {
            return new Outcome(false, 0, e.getMessage());
        }
        String error = "";
        long backoff = firstBackoff.toMillis();
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            if (attempt > 1) {
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, Duration.ofMinutes(10).toMillis());
            }
            int status;
            try {
                status = post(url, address, signature(secret, System.currentTimeMillis() / 1000, body), body);
            } catch (IOException e) {
                error = "callback " + url.getHost() + ": " + e.getClass().getSimpleName() + ": " + e.getMessage();
                continue;
            }
            if (status >= 200 && status < 300) return new Outcome(true, attempt, "");
            error = "callback " + url.getHost() + " answered HTTP " + status;
            if (status >= 300 && status < 400) return new Outcome(false, attempt, error + " (a redirect: not followed)");
            if (status < 500 && status != 408 && status != 429) return new Outcome(false, attempt, error);
        }
        return new Outcome(false, maxAttempts, error);
    }

    /**
     * What can be checked of a callback URL without looking its host up (at submission): at most
     * {@value #MAX_URL_BYTES} bytes, http or https, a host and no user info, the host on the allowlist. Returns the host.
     */
    public static String checkUrl(String url, Policy policy) throws RefusedTargetException {
        if (url.length() > MAX_URL_BYTES) throw new RefusedTargetException("callback_url: over " + MAX_URL_BYTES + " bytes");
        URI u;
        try {
            u = new URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new RefusedTargetException("callback_url: not a URL (" + e.getReason() + ")");
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http"))
            throw new RefusedTargetException("callback_url: scheme must be https or http, not '" + scheme + "'");
        String host = u.getHost();
        if (host == null || u.getRawUserInfo() != null)
            throw new RefusedTargetException("callback_url: needs a host and no user info");
        if (policy.allowedHosts().stream().noneMatch(h -> h.equalsIgnoreCase(host)))
            throw new RefusedTargetException("callback_url: host " + host + " is not on the tenant's webhook allowlist");
        return host;
    }

    /** The address to connect to for {@code url}, checked against {@code policy}; the only lookup of its host. */
    public InetAddress check(URI url, Policy policy) throws RefusedTargetException {
        String host = checkUrl(url.toString(), policy);
        InetAddress[] all;
        try {
            all = resolver.resolve(host);
        } catch (UnknownHostException e) {
            throw new RefusedTargetException("callback_url: host " + host + " does not resolve");
        }
        if (all.length == 0) throw new RefusedTargetException("callback_url: host " + host + " does not resolve");
        if (!policy.allowPrivate())
            for (InetAddress a : all)
                if (privateAddress(a))
                    throw new RefusedTargetException("callback_url: host " + host + " resolves to the private address "
                            + a.getHostAddress() + " (allowed only where the tenant's webhook policy allows private targets)");
        return all[0];
    }

    /** Whether {@code a} is an address a webhook must not reach by default: anything but a public unicast address. */
    static boolean privateAddress(InetAddress a) {
        if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress() || a.isMulticastAddress())
            return true;
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address)
            return (b[0] & 0xff) == 0 || ((b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64)  // 0/8, 100.64/10 (CGNAT)
                    || ((b[0] & 0xff) == 192 && (b[1] & 0xff) == 0 && (b[2] & 0xff) == 0)  // 192.0.0/24
                    || ((b[0] & 0xff) == 198 && ((b[1] & 0xfe) == 18))                      // 198.18/15 (benchmarking)
                    || (b[0] & 0xff) >= 240;                                                 // 240/4, broadcast
        if (a instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) return true; // fc00::/7 unique local
            boolean mapped = true; // ::ffff:a.b.c.d, checked as the IPv4 address it is
            for (int i = 0; i < 10; i++) mapped &= b[i] == 0;
            if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                try {
                    return privateAddress(InetAddress.getByAddress(new byte[]{b[12], b[13], b[14], b[15]}));
                } catch (UnknownHostException e) {
                    return true;
                }
            }
        }
        return false;
    }

    /** One POST to {@code address}, as {@code url}'s host; returns the HTTP status. */
    private int post(URI url, InetAddress address, String signature, byte[] body) throws IOException {
        boolean tls = url.getScheme().equalsIgnoreCase("https");
        int port = url.getPort() > 0 ? url.getPort() : tls ? 443 : 80;
        String path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(address, port), (int) connectTimeout.toMillis());
            plain.setSoTimeout((int) readTimeout.toMillis());
            Socket socket = plain;
            if (tls) {
                SSLSocket ssl = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(plain, url.getHost(), port, true);
                SSLParameters p = ssl.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                p.setServerNames(java.util.List.of(new SNIHostName(url.getHost())));
                ssl.setSSLParameters(p);
                ssl.startHandshake();
                socket = ssl;
            }
            String hostHeader = url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "");
            String head = "POST " + path + " HTTP/1.1\r\nHost: " + hostHeader + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length + "\r\n" + SIGNATURE_HEADER + ": " + signature + "\r\nUser-Agent: ppfarm-webhook\r\nConnection: close\r\n\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            return status(new BufferedInputStream(socket.getInputStream()));
        }
    }

    /** The status code of an HTTP/1.x status line. */
    private static int status(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) != -1 && c != '\n'; ) {
            if (line.length() >= MAX_RESPONSE_HEAD) throw new IOException("status line over " + MAX_RESPONSE_HEAD + " bytes");
            line.append((char) c);
        }
        String[] parts = line.toString().strip().split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) throw new IOException("not an HTTP/1.x answer: '" + line.toString().strip() + "'");
        try {
            return Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("bad HTTP status '" + parts[1] + "'");
        }
    }
}
