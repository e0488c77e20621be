package org.ppfarm.coordinator.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ppfarm.broker.TestBroker;
import org.ppfarm.client.FarmClient;
import org.ppfarm.coordinator.Coordinator;
import org.ppfarm.coordinator.config.CoordinatorConfig;
import org.ppfarm.coordinator.kafka.FarmFixture;
import org.ppfarm.proto.v1.ArtifactChunk;
import org.ppfarm.proto.v1.ArtifactKind;
import org.ppfarm.proto.v1.ArtifactsGrpc;
import org.ppfarm.proto.v1.CancelJobRequest;
import org.ppfarm.proto.v1.CircuitRef;
import org.ppfarm.proto.v1.FetchArtifactRequest;
import org.ppfarm.proto.v1.GetJobRequest;
import org.ppfarm.proto.v1.ProverGrpc;
import org.ppfarm.proto.v1.RegisterCircuitHeader;
import org.ppfarm.proto.v1.RegisterCircuitRequest;
import org.ppfarm.proto.v1.SubmitBatchRequest;
import org.ppfarm.proto.v1.SubmitBatchResponse;
import org.ppfarm.proto.v1.SubmitBatchResult;
import org.ppfarm.proto.v1.SubmitRequest;
import org.ppfarm.proto.v1.WatchJobRequest;
import org.ppfarm.testkit.Artifacts;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13's acceptance fuzz test: random and mutated protobuf bodies on every RPC a client can call (the Prover
 * service's eight and the Artifacts service's Fetch), against a running coordinator on a real broker and Netty
 * transport (a malformed body must cross the real transport). Each case must be answered — not UNKNOWN, INTERNAL or
 * DATA_LOSS (every case is a client's doing), not past a short deadline (except for calls that wait for a job, which
 * no worker proves here), with messages that hold no path and no Java class name (beyond what the case sent); and the
 * whole run must log only a few lines. Seeded and reproducible: the seed is printed, {@code -Dppfarm.fuzz.seed=S}
 * replays it, {@code -Dppfarm.fuzz.cases=N} sets the number of cases (default 3000, about 20 s on 2 cores).
 */
class EdgeFuzzTest {
    static final long DEADLINE_MS = 4_000;
    static TestBroker broker;
    static FarmFixture farm;
    static Coordinator coordinator;
    static ManagedChannel raw, rawArtifacts;
    static RawCalls.Ports ports;
    static String zkeySha;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start();
        farm = new FarmFixture(broker);
        coordinator = farm.startCoordinator(Map.of(CoordinatorConfig.GRPC_MAX_MESSAGE_BYTES, "1000000"));
        try (FarmClient client = FarmFixture.client(coordinator)) {
            zkeySha = client.register("commitment", "1", Artifacts.commitmentZkey(), Artifacts.commitmentWasm(), Artifacts.commitmentVkey())
                    .getZkeySha256();
        }
        raw = NettyChannelBuilder.forAddress("127.0.0.1", coordinator.port()).usePlaintext().maxInboundMessageSize(64 << 20).build();
        rawArtifacts = NettyChannelBuilder.forAddress("127.0.0.1", coordinator.artifactsPort()).usePlaintext().maxInboundMessageSize(64 << 20).build();
        ports = new RawCalls.Ports(raw, rawArtifacts);
    }

    @AfterAll
    static void stop() throws Exception {
        raw.shutdownNow();
        rawArtifacts.shutdownNow();
        coordinator.close();
        farm.close();
        broker.close();
    }

    /** One call: the method and the message bodies sent on it, as they went on the wire. */
    record Case(int index, MethodDescriptor<?, ?> method, List<byte[]> bodies) {
        byte[] allBytes() {
            int n = 0;
            for (byte[] b : bodies) n += b.length;
            byte[] all = new byte[n];
            int at = 0;
            for (byte[] b : bodies) { System.arraycopy(b, 0, all, at, b.length); at += b.length; }
            return all;
        }

        String describe() {
            String hex = HexFormat.of().formatHex(allBytes());
            return "case " + index + " " + method.getFullMethodName() + " [" + (hex.length() > 160 ? hex.substring(0, 160) + "…" : hex) + "]";
        }
    }

    /** Calls that wait for a job's result: with no worker, a valid one is answered only at its deadline. */
    static final Set<String> WAITING = Set.of(ProverGrpc.getProveMethod().getFullMethodName(),
            ProverGrpc.getWatchJobMethod().getFullMethodName(), ProverGrpc.getSubmitBatchMethod().getFullMethodName());

    @Test
    void randomAndMutatedBodiesOnEveryRpcAreAnsweredPreciselyCleanlyAndQuietly() throws Exception {
        long seed = Long.getLong("ppfarm.fuzz.seed", System.nanoTime());
        int n = Integer.getInteger("ppfarm.fuzz.cases", 3000);
        fuzz("EdgeFuzzTest", seed, n, RawCalls.METHODS, c -> ports.of(c.method()), EdgeFuzzTest::check);
    }

    /**
     * Sends {@code n} cases drawn from {@code seed}, the methods taken in turn from {@code methods}, each on the channel
     * {@code route} picks for it, at most 32 at a time; asserts that {@code check} finds nothing wrong with any answer,
     * that the run logged no java.util.logging warning and only a few lines. {@code name} heads the printed seed.
     */
    static void fuzz(String name, long seed, int n, List<MethodDescriptor<?, ?>> methods, Function<Case, Channel> route,
                     BiFunction<Case, RawCalls.Answer, String> check) throws Exception {
        System.out.println(name + ": seed " + seed + ", " + n + " cases (replay: -Dppfarm.fuzz.seed=" + seed + ")");
        Random rnd = new Random(seed);
        List<Case> cases = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            MethodDescriptor<?, ?> m = methods.get(i % methods.size());
            cases.add(new Case(i, m, bodies(m, rnd)));
        }

        List<String> failures = new ArrayList<>();
        long t0 = System.nanoTime();
        try (LogCapture logs = new LogCapture()) {
            Semaphore inFlight = new Semaphore(32);
            List<CompletableFuture<Void>> done = new ArrayList<>(n);
            for (Case c : cases) {
                inFlight.acquire();
                done.add(RawCalls.call(route.apply(c), c.method(), c.bodies(), CallOptions.DEFAULT.withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS))
                        .thenAccept(a -> {
                            String problem = check.apply(c, a);
                            if (problem != null) synchronized (failures) { failures.add(c.describe() + ": " + problem); }
                        }).whenComplete((x, e) -> inFlight.release()));
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
            assertEquals(List.of(), failures.stream().limit(20).toList(), failures.size() + " of " + n + " cases failed (seed " + seed + ")");
            List<String> warnings = logs.records().stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                    .map(r -> r.getLoggerName() + ": " + r.getMessage()).toList();
            assertEquals(List.of(), warnings, "java.util.logging warnings (grpc-java's stack traces) during the fuzz run");
            assertTrue(logs.lineCount() <= 60, logs.lineCount() + " lines logged for " + n + " cases: " + logs.lines());
        }
        System.out.println(name + ": " + n + " cases in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }

    /** Why the answer to {@code c} is wrong, or null. */
    static String check(Case c, RawCalls.Answer a) {
        Status s = a.status();
        if (s.getCode() == Status.Code.UNKNOWN || s.getCode() == Status.Code.INTERNAL || s.getCode() == Status.Code.DATA_LOSS)
            return "answered " + s.getCode() + ": " + s.getDescription();
        if (s.getCode() == Status.Code.DEADLINE_EXCEEDED && a.millis() >= DEADLINE_MS - 200 && !WAITING.contains(c.method().getFullMethodName()))
            return "no answer within " + DEADLINE_MS + " ms";
        String p = ClientMessages.problem(s.getDescription(), c.allBytes());
        if (p != null) return p + " in: " + s.getDescription();
        if (c.method() == ProverGrpc.getSubmitBatchMethod() && s.isOk()) {
            for (byte[] m : a.messages()) {
                try {
                    for (SubmitBatchResult r : SubmitBatchResponse.parseFrom(m).getResultsList()) {
                        int code = r.hasError() ? r.getError().getCode() : r.getJob().getError().getCode();
                        String msg = r.hasError() ? r.getError().getMessage() : r.getJob().getError().getMessage();
                        if (code == Status.Code.UNKNOWN.value() || code == Status.Code.INTERNAL.value())
                            return "a batch result with code " + code + ": " + msg;
                        p = ClientMessages.problem(msg, c.allBytes());
                        if (p != null) return p + " in a batch result: " + msg;
                    }
                } catch (InvalidProtocolBufferException e) {
                    return "unreadable SubmitBatchResponse";
                }
            }
        }
        return null;
    }

    // ---- generators: a third random bytes, a third well-formed messages of odd content, a third those mutated ----

    static List<byte[]> bodies(MethodDescriptor<?, ?> m, Random rnd) {
        int messages = m == ProverGrpc.getRegisterCircuitMethod() ? 1 + rnd.nextInt(3) : 1;
        List<byte[]> out = new ArrayList<>(messages);
        for (int i = 0; i < messages; i++) {
            int mode = rnd.nextInt(3);
            out.add(mode == 0 ? bytes(rnd, rnd.nextInt(48)) : mode == 1 ? message(m, rnd).toByteArray() : mutate(message(m, rnd).toByteArray(), rnd));
        }
        return out;
    }

    static Message message(MethodDescriptor<?, ?> m, Random rnd) {
        String name = m.getFullMethodName();
        if (name.equals(ProverGrpc.getSubmitMethod().getFullMethodName()) || name.equals(ProverGrpc.getProveMethod().getFullMethodName()))
            return submit(rnd);
        if (name.equals(ProverGrpc.getSubmitBatchMethod().getFullMethodName())) {
            SubmitBatchRequest.Builder b = SubmitBatchRequest.newBuilder().setWaitForResults(rnd.nextInt(4) == 0);
            for (int i = rnd.nextInt(5); i > 0; i--) b.addJobs(submit(rnd));
            return b.build();
        }
        if (name.equals(ProverGrpc.getGetJobMethod().getFullMethodName())) return GetJobRequest.newBuilder().setJobId(text(rnd)).build();
        if (name.equals(ProverGrpc.getWatchJobMethod().getFullMethodName())) return WatchJobRequest.newBuilder().setJobId(text(rnd)).build();
        if (name.equals(ProverGrpc.getCancelJobMethod().getFullMethodName())) return CancelJobRequest.newBuilder().setJobId(text(rnd)).build();
        if (name.equals(ProverGrpc.getRegisterCircuitMethod().getFullMethodName())) {
            return switch (rnd.nextInt(3)) {
                case 0 -> RegisterCircuitRequest.newBuilder().setHeader(RegisterCircuitHeader.newBuilder().setName(text(rnd))
                        .setVersion(text(rnd)).setZkeySha256(sha(rnd)).setWasmSha256(sha(rnd)).setVkeySha256(rnd.nextBoolean() ? "" : sha(rnd))).build();
                case 1 -> RegisterCircuitRequest.newBuilder().setChunk(ArtifactChunk.newBuilder()
                        .setKindValue(rnd.nextInt(6)).setData(ByteString.copyFrom(bytes(rnd, rnd.nextInt(64))))).build();
                default -> RegisterCircuitRequest.getDefaultInstance();
            };
        }
        if (name.equals(ArtifactsGrpc.getFetchMethod().getFullMethodName()))
            return FetchArtifactRequest.newBuilder().setSha256(rnd.nextBoolean() ? sha(rnd) : text(rnd)).build();
        return org.ppfarm.proto.v1.ListCircuitsRequest.getDefaultInstance(); // ListCircuits: mutation adds the oddities
    }

    static SubmitRequest submit(Random rnd) {
        SubmitRequest.Builder b = SubmitRequest.newBuilder();
        switch (rnd.nextInt(5)) {
            case 0, 1 -> b.setCircuit(CircuitRef.newBuilder().setName(pick(rnd, "commitment", "commitment@1", "nope@1", text(rnd))));
            case 2 -> b.setCircuit(CircuitRef.newBuilder().setZkeySha256(rnd.nextBoolean() ? zkeySha : sha(rnd)));
            case 3 -> b.setCircuit(CircuitRef.getDefaultInstance());
            default -> { }
        }
        switch (rnd.nextInt(6)) {
            case 0, 1, 2 -> b.setInputJson(inputJson(rnd));
            case 3 -> b.setWtns(ByteString.copyFrom(bytes(rnd, rnd.nextInt(200))));
            case 4 -> b.setWithdrawRequestJson(rnd.nextBoolean() ? "{}" : inputJson(rnd));
            default -> b.setRagequitRequestJson(rnd.nextBoolean() ? "{\"note\":{}}" : text(rnd));
        }
        if (rnd.nextInt(3) == 0) b.setPriorityValue(rnd.nextInt(8) - 2);
        if (rnd.nextInt(3) == 0) {
            long now = System.currentTimeMillis() / 1000;
            b.setDeadline(switch (rnd.nextInt(4)) {
                case 0 -> Timestamp.newBuilder().setSeconds(now + 1 + rnd.nextInt(3)).build();
                case 1 -> Timestamp.newBuilder().setSeconds(now - 10).build();
                case 2 -> Timestamp.newBuilder().setSeconds(now + 60).setNanos(rnd.nextBoolean() ? -1 : 2_000_000_000).build();
                default -> Timestamp.newBuilder().setSeconds(rnd.nextBoolean() ? 1L << 62 : -(1L << 62)).build();
            });
        }
        if (rnd.nextInt(3) == 0) b.setIdempotencyKey(text(rnd));
        return b.build();
    }

    /** Circuit input JSON: valid for the commitment circuit, or wrong in one of many ways. */
    static String inputJson(Random rnd) {
        String valid = "{\"value\":\"1\",\"label\":\"2\",\"nullifier\":\"3\",\"secret\":\"4\"}";
        return switch (rnd.nextInt(12)) {
            case 0 -> valid;
            case 1 -> valid.replace("\"4\"", pick(rnd, "-4", "4.5", "1e3", "null", "true", "{}", "[]", "\"\"", "\"0x\"", "\"-0x1\""));
            case 2 -> valid.replace("\"4\"", "\"" + "9".repeat(70 + rnd.nextInt(20)) + "\"");
            case 3 -> valid.replace("\"4\"", "9".repeat(70 + rnd.nextInt(1100)));
            case 4 -> valid.replace("\"4\"", "[".repeat(1 + rnd.nextInt(20_000)) + "1");
            case 5 -> valid.replace("\"4\"", "[".repeat(5 + rnd.nextInt(10)) + "1" + "]".repeat(5 + rnd.nextInt(10)));
            case 6 -> valid.substring(0, rnd.nextInt(valid.length()));
            case 7 -> valid + pick(rnd, "x", "{}", " /* c */", "\u0000");
            case 8 -> "{\"" + text(rnd) + "\":\"1\"}";
            case 9 -> pick(rnd, "", "[]", "null", "{}", "\"a\"", "{\"a\":{\"b\":1}}", "{\"\":1}");
            case 10 -> new String(bytes(rnd, rnd.nextInt(64)), java.nio.charset.StandardCharsets.UTF_8);
            default -> valid.replace("\"2\"", "\"0x" + "f".repeat(60 + rnd.nextInt(10)) + "\"");
        };
    }

    /** A short string of letters, digits, punctuation (paths and dots included) and some non-ASCII. */
    static String text(Random rnd) {
        String alphabet = "abcXYZ019_-.@/\\ '\"%é€\u0000";
        StringBuilder s = new StringBuilder();
        for (int i = rnd.nextInt(40); i > 0; i--) s.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        return s.toString();
    }

    static String sha(Random rnd) { return HexFormat.of().formatHex(bytes(rnd, 32)); }

    @SafeVarargs
    static <T> T pick(Random rnd, T... options) { return options[rnd.nextInt(options.length)]; }

    static byte[] bytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    /** One to three byte-level changes: a flipped byte, a cut, an inserted run, a repeated slice. */
    static byte[] mutate(byte[] b, Random rnd) {
        for (int k = 1 + rnd.nextInt(3); k > 0; k--) {
            if (b.length == 0) return bytes(rnd, 1 + rnd.nextInt(8));
            int at = rnd.nextInt(b.length);
            switch (rnd.nextInt(4)) {
                case 0 -> b[at] = (byte) rnd.nextInt(256);
                case 1 -> b = java.util.Arrays.copyOf(b, at);
                case 2 -> {
                    byte[] ins = bytes(rnd, 1 + rnd.nextInt(6)), r = new byte[b.length + ins.length];
                    System.arraycopy(b, 0, r, 0, at);
                    System.arraycopy(ins, 0, r, at, ins.length);
                    System.arraycopy(b, at, r, at + ins.length, b.length - at);
                    b = r;
                }
                default -> {
                    int len = Math.min(b.length - at, 1 + rnd.nextInt(8));
                    byte[] r = new byte[b.length + len];
                    System.arraycopy(b, 0, r, 0, at + len);
                    System.arraycopy(b, at, r, at + len, b.length - at);
                    b = r;
                }
            }
        }
        return b;
    }
}
