package org.ppfarm.client;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import org.ppfarm.farm.Sha256;
import org.ppfarm.farm.seal.InputSeal;
import org.ppfarm.proto.v1.ClientSealedInput;
import org.ppfarm.proto.v1.GetSealingKeyRequest;
import org.ppfarm.proto.v1.SealedInput;
import org.ppfarm.proto.v1.SealedInputKind;
import org.ppfarm.proto.v1.SealingKey;
import org.ppfarm.proto.v1.ArtifactChunk;
import org.ppfarm.proto.v1.ArtifactKind;
import org.ppfarm.proto.v1.CancelJobRequest;
import org.ppfarm.proto.v1.Circuit;
import org.ppfarm.proto.v1.GetJobRequest;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.GetUsageRequest;
import org.ppfarm.proto.v1.GetUsageResponse;
import org.ppfarm.proto.v1.ListCircuitsRequest;
import org.ppfarm.proto.v1.ListCircuitsResponse;
import org.ppfarm.proto.v1.ProverGrpc;
import org.ppfarm.proto.v1.RegisterCircuitHeader;
import org.ppfarm.proto.v1.RegisterCircuitRequest;
import org.ppfarm.proto.v1.SubmitBatchRequest;
import org.ppfarm.proto.v1.SubmitBatchResponse;
import org.ppfarm.proto.v1.SubmitRequest;
import org.ppfarm.proto.v1.SubmitResponse;
import org.ppfarm.proto.v1.WatchJobRequest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The farm's Java client: what a relayer or an RPC operator embeds to have proofs made by a farm's coordinators
 * over gRPC ({@code ppfarm.v1.Prover}).
 *
 * <p>Every call has a deadline (the builder's defaults, or the one passed in) that covers all its attempts. A call
 * that fails with a code its {@link RetryPolicy} names (by default only UNAVAILABLE) is tried again after a jittered,
 * growing pause, never past its deadline. Reads, cancels and circuit uploads repeat safely (the farm answers a
 * second upload of the same bytes with the same circuit). A submission is retried only with an idempotency key, so
 * that a retried Submit, Prove or SubmitBatch can never make two jobs of one: where the caller gives none, the client
 * draws one per logical submission, once, before the first attempt (the coordinator answers a key it holds with the
 * job already made — SubmitResponse.existing — and a restarted coordinator re-learns the keys of queued jobs).
 *
 * <p>Failures are {@link FarmException}s carrying the gRPC status. Results are the API's own messages.
 * Thread-safe; one client (one channel) serves any number of concurrent calls. {@link #blocking()} and
 * {@link #async()} give the generated stubs on the same channel, without deadlines or retries, for what this class
 * does not cover.
 */
public final class FarmClient implements AutoCloseable {
    private static final int CHUNK = 64 << 10;
    private static final SecureRandom KEYS = new SecureRandom();

    private final Channel channel;
    private final ManagedChannel owned;
    private final Duration deadline;
    private final Duration proveDeadline;
    private final RetryPolicy retry;
    private final String sealPin;
    private InputSeal.Sealer sealer; // guarded by this; null until the first sealed submission

    private FarmClient(Channel channel, ManagedChannel owned, Builder b) {
        this.sealPin = b.sealPin;
        this.channel = channel;
        this.owned = owned;
        this.deadline = b.deadline;
        this.proveDeadline = b.proveDeadline;
        this.retry = b.retry;
    }

    /**
     * A client of the coordinator at {@code target} ({@code host:port}, or any gRPC target name), or of a farm's
     * coordinators ({@code host:port,host:port,…}: calls balanced over them, and retried on a live one when one
     * dies), to configure.
     */
    public static Builder builder(String target) {
        return new Builder(Objects.requireNonNull(target, "target"), null);
    }

    /** A client over a channel the caller owns (and closes): an in-process channel, or one built with other options. */
    public static Builder builder(Channel channel) {
        return new Builder(null, Objects.requireNonNull(channel, "channel"));
    }

    /** A client of {@code target} with the defaults: plaintext, 64 MiB messages, 30 s reads, 10 min proofs, retries. */
    public static FarmClient connect(String target) {
        return builder(target).build();
    }

    /**
     * As {@link #connect(String)}, with responses delivered on the transport's own threads (gRPC direct executor):
     * one thread hop less per call, for clients whose callbacks are short and never block (load generators).
     */
    public static FarmClient connectDirect(String target) {
        return builder(target).directExecutor().build();
    }

    /** A fresh idempotency key: 128 random bits. One per logical submission; retries of it reuse it. */
    public static String newIdempotencyKey() {
        byte[] b = new byte[16];
        KEYS.nextBytes(b);
        return "ppfarm-" + HexFormat.of().formatHex(b);
    }

    /**
     * {@code req} as it is sent: with an idempotency key when this client retries submissions and the caller gave
     * none (a submission that cannot be retried needs none).
     */
    SubmitRequest keyed(SubmitRequest req) {
        Objects.requireNonNull(req, "request");
        if (!retry.retries() || !req.getIdempotencyKey().isEmpty()) return req;
        return req.toBuilder().setIdempotencyKey(newIdempotencyKey()).build();
    }

    /**
     * {@code req} as it goes out: {@link #keyed}, and with its input sealed to the workers' key when this client seals
     * ({@link Builder#sealInputs}). Sealed once per logical submission, before the first attempt, so every retry
     * carries the same job id and bytes and the farm's idempotency check knows it for the same request.
     */
    SubmitRequest outgoing(SubmitRequest req) {
        SubmitRequest k = keyed(req);
        return sealPin == null ? k : sealed(k);
    }

    /**
     * {@code req} with its plaintext input replaced by the same input sealed to the workers' key (HPKE, associated data
     * the job id, which this client draws: SubmitRequest.job_id); a request already sealed, or without input, as it is.
     */
    private SubmitRequest sealed(SubmitRequest req) {
        SealedInputKind kind;
        ByteString plain;
        switch (req.getInputCase()) {
            case INPUT_JSON -> { kind = SealedInputKind.SEALED_INPUT_KIND_JSON; plain = req.getInputJsonBytes(); }
            case WTNS -> { kind = SealedInputKind.SEALED_INPUT_KIND_WTNS; plain = req.getWtns(); }
            case WITHDRAW_REQUEST_JSON -> { kind = SealedInputKind.SEALED_INPUT_KIND_WITHDRAW_REQUEST; plain = req.getWithdrawRequestJsonBytes(); }
            case RAGEQUIT_REQUEST_JSON -> { kind = SealedInputKind.SEALED_INPUT_KIND_RAGEQUIT_REQUEST; plain = req.getRagequitRequestJsonBytes(); }
            default -> { return req; }
        }
        String jobId = UUID.randomUUID().toString();
        byte[] bytes = plain.toByteArray();
        try {
            SealedInput s = sealer().seal(jobId, bytes);
            return req.toBuilder().setJobId(jobId).setSealedInput(ClientSealedInput.newBuilder().setKind(kind).setKeyId(s.getKeyId())
                    .setEnc(s.getEnc()).setCiphertext(s.getCiphertext()).setNonce(s.getNonce())).build();
        } finally {
            InputSeal.zeroize(bytes);
        }
    }

    /**
     * The sealer for the farm's key, fetched once (GetSealingKey) and checked against the pinned fingerprint: a
     * coordinator that answers with a key of its own could open what is sealed to it, so a mismatch sends nothing.
     */
    private synchronized InputSeal.Sealer sealer() {
        if (sealer != null) return sealer;
        SealingKey key = sealingKey();
        String fingerprint = InputSeal.fingerprint(key.getPublicKey().toByteArray());
        if (!fingerprint.equals(sealPin))
            throw new FarmException(Status.FAILED_PRECONDITION.withDescription("seal key fingerprint: the farm's sealing key is " + fingerprint
                    + ", not the pinned " + sealPin + "; nothing was sent"));
        return sealer = new InputSeal.Sealer(key.getPublicKey().toByteArray());
    }

    /** The workers' sealing public key as the farm publishes it (GetSealingKey), within the builder's call deadline. */
    public SealingKey sealingKey() {
        return await(call(deadline, (stub, o) -> stub.getSealingKey(GetSealingKeyRequest.getDefaultInstance(), o)));
    }

    /**
     * Enqueues a job; returns its id once it is durable in the farm (or the job its idempotency key already names),
     * within the builder's call deadline. The call's deadline is the call's only: a job's deadline is its request's
     * own (SubmitRequest.deadline), or none.
     */
    public SubmitResponse submit(SubmitRequest req) {
        return submit(req, deadline);
    }

    /** As {@link #submit(SubmitRequest)}, within {@code deadline} (null: none). */
    public SubmitResponse submit(SubmitRequest req, Duration deadline) {
        SubmitRequest sent = outgoing(req);
        return await(call(deadline, (stub, o) -> stub.submit(sent, o)));
    }

    /**
     * Submits a job and waits for its result, within the builder's prove deadline. A job that fails, is cancelled or
     * expires is thrown as the status of its error.
     */
    public Job prove(SubmitRequest req) {
        return prove(req, proveDeadline);
    }

    /** As {@link #prove(SubmitRequest)}, within {@code deadline}. */
    public Job prove(SubmitRequest req, Duration deadline) {
        return await(proveAsync(req, deadline));
    }

    /** As {@link #prove(SubmitRequest, Duration)}, completing on the channel's executor; cancelling it cancels the call. */
    public CompletableFuture<Job> proveAsync(SubmitRequest req, Duration deadline) {
        SubmitRequest sent = outgoing(req);
        return call(deadline, (stub, o) -> stub.prove(sent, o));
    }

    /**
     * Submits {@code jobs} (1 to 1,000) in one message; one result per job, in order: its id, or the status Submit
     * would have refused it with. With {@code waitForResults} the call returns once every accepted job is terminal,
     * each result carrying the job's final state. {@code deadline} covers the call (and its retries), not its jobs
     * (null: none). Every job without an idempotency key gets its own, so a retried batch makes
     * none of its jobs twice.
     */
    public SubmitBatchResponse submitBatch(List<SubmitRequest> jobs, boolean waitForResults, Duration deadline) {
        return await(submitBatchAsync(jobs, waitForResults, deadline));
    }

    /** As {@link #submitBatch}, completing on the channel's executor; cancelling it cancels the call. */
    public CompletableFuture<SubmitBatchResponse> submitBatchAsync(List<SubmitRequest> jobs, boolean waitForResults, Duration deadline) {
        Objects.requireNonNull(jobs, "jobs");
        SubmitBatchRequest.Builder b = SubmitBatchRequest.newBuilder().setWaitForResults(waitForResults);
        for (SubmitRequest j : jobs) b.addJobs(outgoing(j));
        SubmitBatchRequest sent = b.build();
        return call(deadline, (stub, o) -> stub.submitBatch(sent, o));
    }

    /** The job's current state (and its result once it has one). */
    public Job get(String jobId) {
        GetJobRequest req = GetJobRequest.newBuilder().setJobId(jobIdOf(jobId)).build();
        return await(call(deadline, (stub, o) -> stub.getJob(req, o)));
    }

    /** Cancels a job that has not finished; returns its state (a finished job unchanged). */
    public Job cancel(String jobId) {
        CancelJobRequest req = CancelJobRequest.newBuilder().setJobId(jobIdOf(jobId)).build();
        return await(call(deadline, (stub, o) -> stub.cancelJob(req, o)));
    }

    /**
     * The job's state now and at every change, ending after a terminal state; read it on one thread and close it
     * (try-with-resources) to stop watching early. A watch the transport breaks (UNAVAILABLE, by default) is opened
     * again after a pause; the state it starts with is skipped when it is the last one delivered, and the policy's
     * attempts count the breaks since the last new state. No deadline: a watch lasts as long as the job.
     */
    public Stream<Job> watch(String jobId) {
        Watch w = new Watch(WatchJobRequest.newBuilder().setJobId(jobIdOf(jobId)).build());
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(w, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(w::close);
    }

    /** The circuits registered with the farm. */
    public List<Circuit> circuits() {
        ListCircuitsResponse r = await(call(deadline, (stub, o) -> stub.listCircuits(ListCircuitsRequest.getDefaultInstance(), o)));
        return r.getCircuitsList();
    }

    /**
     * Proofs and proving time used, per tenant, circuit and backend (GetUsage): the caller's own rows; an admin
     * tenant's, every tenant's, or {@code tenant}'s alone when not null.
     */
    public GetUsageResponse usage(String tenant) {
        GetUsageRequest req = GetUsageRequest.newBuilder().setTenant(tenant == null ? "" : tenant).build();
        return await(call(deadline, (stub, o) -> stub.getUsage(req, o)));
    }

    /**
     * Uploads a circuit from files, declaring their SHA-256s (the farm registers nothing whose bytes hash otherwise);
     * {@code vkey} may be null (the farm then reads the key from the zkey). {@code version} becomes name@version.
     */
    public Circuit register(String name, String version, Path zkey, Path wasm, Path vkey) {
        return register(header(name, version, zkey, wasm, vkey).build(), zkey, wasm, vkey);
    }

    /**
     * As {@link #register(String, String, Path, Path, Path)}, with a valid input of the circuit (circuit input JSON)
     * that the farm proves before registering: a wasm and zkey of different circuits are refused
     * (RegisterCircuitHeader.sample_input_json).
     */
    public Circuit register(String name, String version, Path zkey, Path wasm, Path vkey, byte[] sampleInputJson) {
        return register(header(name, version, zkey, wasm, vkey).setSampleInputJson(ByteString.copyFrom(sampleInputJson)).build(), zkey, wasm, vkey);
    }

    private static RegisterCircuitHeader.Builder header(String name, String version, Path zkey, Path wasm, Path vkey) {
        RegisterCircuitHeader.Builder h = RegisterCircuitHeader.newBuilder()
                .setName(Objects.requireNonNull(name, "name")).setVersion(Objects.requireNonNull(version, "version"))
                .setZkeySha256(Sha256.of(zkey)).setWasmSha256(Sha256.of(wasm));
        if (vkey != null) h.setVkeySha256(Sha256.of(vkey));
        return h;
    }

    /**
     * Uploads a circuit with the given header (its declared hashes are checked by the farm). Within the builder's
     * call deadline: large uploads over a slow link want {@link Builder#deadline} raised.
     */
    public Circuit register(RegisterCircuitHeader header, Path zkey, Path wasm, Path vkey) {
        Objects.requireNonNull(zkey, "zkey");
        Objects.requireNonNull(wasm, "wasm");
        return await(call(deadline, (stub, o) -> {
            StreamObserver<RegisterCircuitRequest> up = stub.registerCircuit(o);
            try {
                up.onNext(RegisterCircuitRequest.newBuilder().setHeader(header).build());
                send(up, ArtifactKind.ARTIFACT_KIND_ZKEY, zkey);
                send(up, ArtifactKind.ARTIFACT_KIND_WASM, wasm);
                if (vkey != null) send(up, ArtifactKind.ARTIFACT_KIND_VKEY, vkey);
                up.onCompleted();
            } catch (RuntimeException e) {
                up.onError(e);
                throw e;
            }
        }));
    }

    /** The generated blocking stub on this client's channel: no deadline, no retries. */
    public ProverGrpc.ProverBlockingStub blocking() { return ProverGrpc.newBlockingStub(channel); }

    /** The generated asynchronous stub on this client's channel: no deadline, no retries. */
    public ProverGrpc.ProverStub async() { return ProverGrpc.newStub(channel); }

    public Channel channel() { return channel; }

    /** Closes the channel this client opened (not one given to {@link #builder(Channel)}), waiting up to 5 s for calls. */
    @Override
    public void close() {
        if (owned == null) return;
        owned.shutdown();
        try {
            if (!owned.awaitTermination(5, TimeUnit.SECONDS)) owned.shutdownNow();
        } catch (InterruptedException e) {
            owned.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Starts one attempt of a call on a stub that carries the call's deadline, answering {@code observer}. */
    private interface Attempt<T> {
        void start(ProverGrpc.ProverStub stub, StreamObserver<T> observer);
    }

    /**
     * One logical call: attempts under one deadline ({@code timeout} from now; null: none) and one cancellable context (so cancelling the returned future
     * cancels the attempt in flight), retried as the policy says.
     */
    private <T> CompletableFuture<T> call(Duration timeout, Attempt<T> attempt) {
        if (timeout != null && (timeout.isNegative() || timeout.isZero()))
            throw new IllegalArgumentException("a deadline must be positive, not " + timeout);
        Deadline deadline = timeout == null ? null : Deadline.after(timeout.toNanos(), TimeUnit.NANOSECONDS);
        Context.CancellableContext ctx = Context.current().withCancellation();
        CompletableFuture<T> out = new CompletableFuture<>();
        out.whenComplete((r, e) -> ctx.cancel(null));
        ctx.run(() -> attempt(attempt, deadline, ctx, out, 1));
        return out;
    }

    private <T> void attempt(Attempt<T> attempt, Deadline deadline, Context.CancellableContext ctx, CompletableFuture<T> out, int n) {
        StreamObserver<T> observer = new StreamObserver<>() {
            private T value;

            @Override public void onNext(T v) { value = v; }

            @Override public void onCompleted() { out.complete(value); }

            @Override public void onError(Throwable t) {
                Status s = Status.fromThrowable(t);
                if (!out.isDone() && retry.retryable(s.getCode(), n)) {
                    Duration pause = retry.backoff(n, ThreadLocalRandom.current());
                    if (deadline == null || deadline.timeRemaining(TimeUnit.NANOSECONDS) > pause.toNanos()) {
                        Executor later = CompletableFuture.delayedExecutor(pause.toNanos(), TimeUnit.NANOSECONDS);
                        later.execute(ctx.wrap(() -> attempt(attempt, deadline, ctx, out, n + 1)));
                        return;
                    }
                }
                out.completeExceptionally(FarmException.of(t));
            }
        };
        try {
            ProverGrpc.ProverStub stub = ProverGrpc.newStub(channel);
            attempt.start(deadline == null ? stub : stub.withDeadline(deadline), observer);
        } catch (RuntimeException e) {
            out.completeExceptionally(e instanceof StatusRuntimeException s ? FarmException.of(s) : e);
        }
    }

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw FarmException.of(e.getCause());
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new FarmException(Status.CANCELLED.withDescription("interrupted while waiting for the farm"));
        }
    }

    private static String jobIdOf(String jobId) {
        if (jobId == null || jobId.isBlank()) throw new IllegalArgumentException("a job id is required");
        return jobId;
    }

    private static void send(StreamObserver<RegisterCircuitRequest> up, ArtifactKind kind, Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[CHUNK];
            for (int n; (n = in.readNBytes(buf, 0, CHUNK)) > 0; )
                up.onNext(RegisterCircuitRequest.newBuilder()
                        .setChunk(ArtifactChunk.newBuilder().setKind(kind).setData(ByteString.copyFrom(buf, 0, n))).build());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** A server stream of a job's states, reopened on retryable failures; runs on the reading thread. */
    private final class Watch implements Iterator<Job> {
        private final WatchJobRequest req;
        private Context.CancellableContext ctx;
        private Iterator<Job> states;
        private Job last;
        private Job next;
        private boolean ended;
        private int failures;

        Watch(WatchJobRequest req) { this.req = req; }

        @Override
        public boolean hasNext() {
            while (next == null && !ended) {
                try {
                    if (states == null) {
                        ctx = Context.current().withCancellation();
                        states = ctx.call(() -> blocking().watchJob(req));
                    }
                    if (!states.hasNext()) {
                        close();
                        break;
                    }
                    Job j = states.next();
                    if (j.equals(last)) continue; // a reopened watch starts with the state last delivered
                    next = last = j;
                    failures = 0; // progress: a later break gets the policy's attempts afresh
                } catch (StatusRuntimeException e) {
                    reopenOrThrow(e);
                } catch (Exception e) {
                    close();
                    throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
                }
            }
            return next != null;
        }

        @Override
        public Job next() {
            if (!hasNext()) throw new NoSuchElementException();
            Job j = next;
            next = null;
            return j;
        }

        private void reopenOrThrow(StatusRuntimeException e) {
            ctx.cancel(null);
            states = null;
            failures++;
            if (!retry.retryable(e.getStatus().getCode(), failures)) {
                close();
                throw FarmException.of(e);
            }
            try {
                Thread.sleep(retry.backoff(failures, ThreadLocalRandom.current()));
            } catch (InterruptedException ie) {
                close();
                Thread.currentThread().interrupt();
                throw new FarmException(Status.CANCELLED.withDescription("interrupted while watching " + req.getJobId()));
            }
        }

        void close() {
            ended = true;
            if (ctx != null) ctx.cancel(null);
        }
    }

    /**
     * How to reach a farm: plaintext by default (loopback or a trusted network), TLS with {@link #tls(Path)} (and a
     * client certificate with {@link #clientCertificate}, for a farm that asks for one), and the caller's tenant
     * with {@link #apiKey(String)}.
     */
    public static final class Builder {
        private final String target;
        private final Channel channel;
        private Path tlsCa;
        private Path clientCert;
        private Path clientKey;
        private String apiKey;
        private Executor executor;
        private boolean directExecutor;
        private int maxInboundMessageBytes = 64 << 20;
        private Duration deadline = Duration.ofSeconds(30);
        private Duration proveDeadline = Duration.ofMinutes(10);
        private RetryPolicy retry = RetryPolicy.DEFAULT;
        private String sealPin;

        private Builder(String target, Channel channel) {
            this.target = target;
            this.channel = channel;
        }

        /**
         * Responses on the transport's own threads (gRPC direct executor): one thread hop less per call, for callers
         * whose callbacks are short and never block (load generators). Not with the blocking calls' heavy users.
         */
        public Builder directExecutor() {
            this.directExecutor = true;
            this.executor = null;
            return this;
        }

        /** Responses (and async completions) on {@code executor}; default: gRPC's shared cached pool. */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            this.directExecutor = false;
            return this;
        }

        /**
         * The largest response accepted (default 64 MiB): a waited SubmitBatch of 1,000 proofs is about 3 MB, and a
         * farm may be configured for more.
         */
        public Builder maxInboundMessageBytes(int bytes) {
            if (bytes <= 0) throw new IllegalArgumentException("maxInboundMessageBytes must be positive, not " + bytes);
            this.maxInboundMessageBytes = bytes;
            return this;
        }

        /**
         * The deadline of get, cancel, circuits and register, all attempts together (default 30 s). Not of
         * {@link #submit(SubmitRequest)}: the farm would make it the job's deadline.
         */
        public Builder deadline(Duration deadline) {
            this.deadline = positive(deadline, "deadline");
            return this;
        }

        /** The deadline of {@link #prove(SubmitRequest)} (default 10 min): the job is dropped if not proved by then. */
        public Builder proveDeadline(Duration deadline) {
            this.proveDeadline = positive(deadline, "proveDeadline");
            return this;
        }

        /** When to try a call again (default {@link RetryPolicy#DEFAULT}; {@link RetryPolicy#NONE} never). */
        public Builder retry(RetryPolicy retry) {
            this.retry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        /**
         * TLS, trusting the certificate authorities in the PEM file {@code caFile} (a farm's own CA; {@code ppfarm up
         * --secure} prints its path). The coordinator's certificate must name the host (or IP address) it is
         * reached at.
         */
        public Builder tls(Path caFile) {
            this.tlsCa = Objects.requireNonNull(caFile, "caFile");
            return this;
        }

        /**
         * The client certificate (PEM chain, leaf first) and its private key (PEM, PKCS#8) to present, for a farm
         * with {@code grpc.tls.client.auth=optional|require}. Needs {@link #tls(Path)}.
         */
        public Builder clientCertificate(Path certFile, Path keyFile) {
            this.clientCert = Objects.requireNonNull(certFile, "certFile");
            this.clientKey = Objects.requireNonNull(keyFile, "keyFile");
            return this;
        }

        /**
         * The tenant's API key ({@code ppfarm tenants add} prints it), sent with every call as {@code authorization:
         * Bearer <key>}. Over plaintext anyone on the path can read it: use TLS beyond loopback.
         */
        public Builder apiKey(String apiKey) {
            Objects.requireNonNull(apiKey, "apiKey");
            if (apiKey.isBlank() || apiKey.chars().anyMatch(c -> c < 0x21 || c > 0x7e))
                throw new IllegalArgumentException("apiKey: printable ASCII without spaces, as ppfarm tenants printed it");
            this.apiKey = apiKey;
            return this;
        }

        /**
         * Seals every submitted input to the workers' key before it leaves this process (HPKE; SubmitRequest.sealed_input),
         * so no coordinator ever holds it in plaintext. The key is fetched once from the farm (GetSealingKey) and used
         * only if its SHA-256 is {@code fingerprint} (64 hex digits: {@code ppfarm keys seal} and {@code ppfarm up}
         * print it); otherwise submissions fail with FAILED_PRECONDITION and send nothing.
         */
        public Builder sealInputs(String fingerprint) {
            Objects.requireNonNull(fingerprint, "fingerprint");
            String f = fingerprint.strip().toLowerCase(java.util.Locale.ROOT);
            if (!Sha256.isHex(f)) throw new IllegalArgumentException("seal key fingerprint: 64 hex digits (SHA-256 of the key), not '" + fingerprint + "'");
            this.sealPin = f;
            return this;
        }

        public FarmClient build() {
            if (channel != null) {
                if (executor != null || directExecutor || maxInboundMessageBytes != 64 << 20 || tlsCa != null || clientCert != null)
                    throw new IllegalStateException("executor, message size and TLS are the given channel's own settings");
                return new FarmClient(withKey(channel), null, this);
            }
            if (clientCert != null && tlsCa == null) throw new IllegalStateException("clientCertificate needs tls(caFile)");
            String t = CoordinatorList.target(target);
            NettyChannelBuilder b = tlsCa == null ? NettyChannelBuilder.forTarget(t).usePlaintext()
                    : NettyChannelBuilder.forTarget(t, tlsCredentials());
            b.maxInboundMessageSize(maxInboundMessageBytes);
            // a list of coordinators: calls spread over them, and a retry goes to a live one (CoordinatorList)
            if (!t.equals(target)) b.defaultLoadBalancingPolicy("round_robin");
            if (directExecutor) b.directExecutor();
            else if (executor != null) b.executor(executor);
            ManagedChannel ch = b.build();
            return new FarmClient(withKey(ch), ch, this);
        }

        private ChannelCredentials tlsCredentials() {
            try {
                TlsChannelCredentials.Builder c = TlsChannelCredentials.newBuilder().trustManager(tlsCa.toFile());
                if (clientCert != null) c.keyManager(clientCert.toFile(), clientKey.toFile());
                return c.build();
            } catch (IOException e) {
                throw new UncheckedIOException("TLS files (" + tlsCa + (clientCert == null ? "" : ", " + clientCert + ", " + clientKey)
                        + "): " + e.getMessage(), e);
            }
        }

        /** {@code ch} with the API key, if any, in every call's headers. */
        private Channel withKey(Channel ch) {
            if (apiKey == null) return ch;
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + apiKey);
            return ClientInterceptors.intercept(ch, MetadataUtils.newAttachHeadersInterceptor(headers));
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(what + " must be positive, not " + d);
            return d;
        }
    }
}
