package org.ppfarm.farm.health;

import com.sun.net.httpserver.HttpHandler;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Whether a farm node (coordinator or worker) can do its work, told truthfully to gRPC health, Kubernetes
 * ({@code /ready}, {@code /live}) and Prometheus. A node is <em>serving</em> when
 * <ul>
 * <li>its Kafka brokers answer (a cheap request every {@value #PROBE_INTERVAL_MS} ms, {@link KafkaProbe}),</li>
 * <li>its cluster node, if it runs one, is an Up member (not joining, leaving, downed or removed), and</li>
 * <li>it is ready: its startup is done ({@link #ready()}) and it is not draining ({@link #draining()}).</li>
 * </ul>
 * It is <em>live</em> unless it is {@linkplain #broken() broken}: its own cluster node was downed or its actor system
 * stopped while the node was not shutting down. A broken node never recovers; the CLI exits non-zero on it, while a
 * library user (tests, the embedded farm) sees NOT_SERVING and a failing {@code /live}, and decides.
 *
 * <p>Losing and regaining Kafka or the cluster membership are logged once each ({@code kafka unreachable: …},
 * {@code kafka reachable again after N s}, likewise {@code cluster membership lost: …}).
 *
 * <p>Threads: the probes, and so every change of the Kafka and cluster conditions, run on one daemon timer thread;
 * {@link #ready()} and {@link #draining()} may be called from any thread; the state is read from any thread.
 * Listeners run on the thread that changed the state, one change at a time.
 */
public final class FarmHealth implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FarmHealth.class);
    /** How often the brokers and the cluster membership are checked: a lost broker shows within ~3 s. */
    static final long PROBE_INTERVAL_MS = 1000;
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    /** Consumer lag is measured every this many probes (several requests each; it moves slowly). */
    private static final int LAG_EVERY = 5;

    private final String node;
    private final KafkaProbe kafka;
    private final ScheduledExecutorService timer;
    private final Condition kafkaUp = new Condition("kafka unreachable", "kafka reachable again");
    private final Condition memberUp = new Condition("cluster membership lost", "cluster member Up again");
    private final CompletableFuture<String> broken = new CompletableFuture<>();
    private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();
    private volatile ActorSystem<?> cluster; // null: no cluster node
    private volatile boolean ready;
    private volatile boolean draining;
    private volatile Map<String, Map<String, Long>> lag = Map.of();
    private boolean lastServing; // guarded by this
    private int probes; // timer thread only

    /**
     * @param node        this node's id, for log lines
     * @param kafkaProps  its Kafka client properties
     * @param groupTopics the consumer groups it is a member of, each with its topics, for the lag metric
     */
    public FarmHealth(String node, Map<String, Object> kafkaProps, Map<String, List<String>> groupTopics) {
        this.node = node;
        this.kafka = new KafkaProbe(kafkaProps, node + "-health", groupTopics);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name(node + "-health").unstarted(r));
        timer.scheduleWithFixedDelay(this::probe, 0, PROBE_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * Watches {@code system}'s cluster membership. {@code own}: the node's own actor system, whose termination while
     * the node is not draining (it was downed, or stopped behind the node's back) breaks the node.
     */
    public void watch(ActorSystem<?> system, boolean own) {
        this.cluster = system;
        if (own) system.getWhenTerminated().whenComplete((d, e) -> {
            if (draining) return;
            boolean downed = CoordinatedShutdown.get(system.classicSystem()).getShutdownReason()
                    .filter(CoordinatedShutdown.clusterDowningReason()::equals).isPresent();
            String why = downed ? "its cluster node was downed (removed from the cluster)" : "its cluster node stopped unexpectedly";
            log.error("{}: {}; this node no longer serves", node, why);
            broken.complete(why);
            changed();
        });
        timer.execute(this::probe);
    }

    /** Startup is done: the node serves once Kafka and the cluster allow. Waits for one fresh probe, so it tells the truth at once. */
    public void ready() throws InterruptedException {
        ready = true;
        try {
            timer.submit(this::probe).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(node + ": health probe failed", e.getCause());
        }
    }

    /** The node is shutting down: not serving from now on, and its actor system's end is expected. */
    public void draining() {
        draining = true;
        changed();
    }

    /** Completes, with the reason in one line, if the node breaks; it never recovers from that. */
    public CompletableFuture<String> broken() { return broken; }

    /** Calls {@code listener} with the serving state now and at every change. */
    public void onServingChange(Consumer<Boolean> listener) {
        synchronized (this) {
            listeners.add(listener);
            listener.accept(lastServing);
        }
    }

    /** Null while serving; else the first reason it is not, in one line. */
    public String notServing() {
        if (broken.isDone()) return "broken: " + broken.join();
        if (draining) return "draining: shutting down";
        if (!ready) return "starting: replaying state";
        if (!kafkaUp.ok()) return "kafka unreachable" + (kafkaUp.problem == null ? "" : ": " + kafkaUp.problem);
        if (cluster != null && !memberUp.ok()) return "not an Up cluster member" + (memberUp.problem == null ? "" : ": " + memberUp.problem);
        return null;
    }

    public boolean serving() { return notServing() == null; }

    /** Null while live (not broken); else why not. */
    public String notLive() { return broken.isDone() ? "broken: " + broken.join() : null; }

    /** Whether the last probe found a broker answering. */
    public boolean kafkaReachable() { return kafkaUp.ok(); }

    /** The watched cluster node, or null. */
    public ActorSystem<?> clusterNode() { return cluster; }

    /** The latest consumer lag measured: group → topic → records; empty before the first measurement. */
    public Map<String, Map<String, Long>> consumerLag() { return lag; }

    /**
     * {@code /live} and {@code /ready} for Kubernetes probes: 200 {@code ok}, or 503 with the reason in one line; any
     * other path 404. Meant as the default handler of the node's metrics HTTP server (which keeps {@code /metrics}).
     */
    public HttpHandler httpHandler() {
        return exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath(), problem;
                int status;
                switch (path) {
                    case "/live" -> { problem = notLive(); status = problem == null ? 200 : 503; }
                    case "/ready" -> { problem = notServing(); status = problem == null ? 200 : 503; }
                    default -> { problem = "not found: the paths are /metrics, /live and /ready"; status = 404; }
                }
                byte[] body = ((problem == null ? "ok" : problem) + "\n").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
                exchange.sendResponseHeaders(status, body.length);
                exchange.getResponseBody().write(body);
            }
        };
    }

    /** Up members of the watched cluster with {@code role}, as this node sees them; 0 without a live cluster node. */
    public static int upMembers(ActorSystem<?> system, String role) {
        if (system == null || system.getWhenTerminated().toCompletableFuture().isDone()) return 0;
        int n = 0;
        for (Member m : Cluster.get(system).state().getMembers())
            if (m.status() == MemberStatus.up() && m.hasRole(role)) n++;
        return n;
    }

    /** Members with {@code role} this node cannot reach; 0 without a live cluster node. */
    public static int unreachableMembers(ActorSystem<?> system, String role) {
        if (system == null || system.getWhenTerminated().toCompletableFuture().isDone()) return 0;
        int n = 0;
        for (Member m : Cluster.get(system).state().getUnreachable())
            if (m.hasRole(role)) n++;
        return n;
    }

    /** One round on the timer thread: the brokers, the membership, and now and then the lag. */
    private void probe() {
        if (draining) return; // leaving the cluster and closing clients are expected now, not news
        try {
            String unreachable = kafka.unreachable(PROBE_TIMEOUT);
            kafkaUp.set(unreachable == null, unreachable);
            ActorSystem<?> c = cluster;
            if (c != null) {
                if (c.getWhenTerminated().toCompletableFuture().isDone()) memberUp.set(false, "its actor system has stopped");
                else {
                    MemberStatus s = Cluster.get(c).selfMember().status();
                    memberUp.set(s == MemberStatus.up(), "self is " + s);
                }
            }
            changed();
            if (unreachable == null && probes++ % LAG_EVERY == 0) lag = kafka.lag(PROBE_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) { // a lag measurement cut short: the next one retries
            log.debug("{}: consumer lag not measured: {}", node, e.toString());
        }
    }

    /** Tells listeners when the serving state flipped. */
    private synchronized void changed() {
        boolean now = serving();
        if (now == lastServing) return;
        lastServing = now;
        for (Consumer<Boolean> l : listeners) l.accept(now);
    }

    /** Stops probing; the node is shutting down. */
    @Override
    public void close() {
        draining();
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kafka.close();
    }

    /**
     * One thing the node needs (Kafka, its cluster membership): unknown until first checked, then held or lost;
     * logs one line when lost (unless never held, for the cluster: joining is not losing) and one when regained.
     */
    private final class Condition {
        private final String lostLine;
        private final String regainedLine;
        private volatile Boolean held; // null: not checked yet
        private volatile String problem;
        private long lostAtNanos;
        private boolean everHeld;
        private boolean lostLogged;

        Condition(String lostLine, String regainedLine) {
            this.lostLine = lostLine;
            this.regainedLine = regainedLine;
        }

        boolean ok() { return Boolean.TRUE.equals(held); }

        void set(boolean now, String why) {
            Boolean before = held;
            problem = now ? null : why;
            held = now;
            if (now) everHeld = true;
            if (before != null && before == now) return;
            if (!now && (everHeld || this == kafkaUp)) {
                lostAtNanos = System.nanoTime();
                lostLogged = true;
                log.warn("{}: {} ({})", lostLine, why, node);
            } else if (now && lostLogged) {
                lostLogged = false;
                log.info("{} after {} s ({})", regainedLine, (System.nanoTime() - lostAtNanos) / 1_000_000_000, node);
            }
        }
    }
}
