package org.ppfarm.coordinator.jobs;

import org.ppfarm.farm.jobs.JobStates;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.ppfarm.coordinator.metrics.FarmMetrics;
import org.ppfarm.coordinator.registry.CircuitRegistry;
import org.ppfarm.farm.seal.InputSeal;
import org.ppfarm.coordinator.inputs.ProtocolInputs;
import org.ppfarm.coordinator.inputs.Identifiers;
import org.ppfarm.coordinator.inputs.InvalidInputException;
import org.ppfarm.farm.Sha256;
import org.ppfarm.prover.format.FormatException;
import org.ppfarm.prover.format.WtnsFile;
import org.ppfarm.witness.InputValidator;
import org.ppfarm.witness.InvalidCircuitInputException;
import org.ppfarm.proto.v1.Circuit;
import org.ppfarm.proto.v1.ClientSealedInput;
import org.ppfarm.proto.v1.InputKind;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobEvent;
import org.ppfarm.proto.v1.JobOffer;
import org.ppfarm.proto.v1.JobRecord;
import org.ppfarm.proto.v1.Priority;
import org.ppfarm.proto.v1.SealedInput;
import org.ppfarm.proto.v1.SealedInputKind;
import org.ppfarm.proto.v1.SealingKey;
import org.ppfarm.proto.v1.SubmitRequest;
import org.ppfarm.proto.v1.WebhookDelivery;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * What the coordinator does with a job request, independent of gRPC: resolve the circuit, refuse what cannot be
 * proved (unknown circuit, malformed or out-of-range input, a bad or passed deadline, an unknown priority, an
 * identifier or a record over its limit) before anything is enqueued, honour idempotency keys (refusing a key reused
 * for another request), seal the input to the workers' key — or forward, unopened, an input the client sealed, whose
 * content only the worker checks — and make the job durable in Kafka before answering, or, if Kafka does not take
 * it, leave no trace of it.
 * Errors are the typed exceptions of the core, completed exceptionally; {@code grpc.Statuses} maps them.
 *
 * <p>Thread-safe: all state lives in the {@link JobTracker} actor and Kafka.
 */
public final class JobSubmitter {
    private static final Duration ASK = Duration.ofSeconds(30);

    /** The id of the job a submission names: a new job, or ({@code existing}) the one its idempotency key already held. */
    public record Submitted(String jobId, boolean existing) {}

    private final CircuitRegistry registry;
    private final ActorRef<JobTracker.Command> tracker;
    private final Scheduler scheduler;
    private final JobLog log;
    private final InputSeal.Sealer sealer;
    private final ProtocolInputs protocolInputs;
    private final FarmMetrics metrics;
    private final Executor blocking;
    private final String resultInbox;
    private final JobOffers offers;
    private final SealingKey sealingKey;
    private final String sealKeyId;
    private final Predicate<String> plaintextAllowed;

    /**
     * @param blocking    builds inputs from privacy-pool requests (Merkle trees: up to seconds), off the caller's thread
     * @param resultInbox the coordinator's result inbox ({@code cluster.ResultInbox}), as job records name it; empty:
     *                    none (results only through Kafka)
     * @param offers      the workers to offer jobs to directly when one is idle; null: none (jobs only through Kafka)
     * @param plaintextAllowed whether a tenant (by name) may submit inputs unsealed: {@code inputs.plaintext.allowed},
     *                    or the tenant's own {@code TenantRecord.plaintext_allowed}; sealed ones
     *                    ({@code SubmitRequest.sealed_input}) are always taken
     */
    public JobSubmitter(CircuitRegistry registry, ActorRef<JobTracker.Command> tracker, Scheduler scheduler, JobLog log,
                        byte[] sealKey, ProtocolInputs protocolInputs, FarmMetrics metrics, Executor blocking, String resultInbox,
                        JobOffers offers, Predicate<String> plaintextAllowed) {
        this.sealKeyId = InputSeal.keyId(sealKey);
        this.sealingKey = SealingKey.newBuilder().setPublicKey(ByteString.copyFrom(sealKey)).setFingerprint(InputSeal.fingerprint(sealKey))
                .setKeyId(sealKeyId).build();
        this.plaintextAllowed = plaintextAllowed;
        this.blocking = blocking;
        this.resultInbox = resultInbox;
        this.offers = offers != null && log.spread() ? offers : null;
        this.registry = registry;
        this.tracker = tracker;
        this.scheduler = scheduler;
        this.log = log;
        this.sealer = new InputSeal.Sealer(sealKey);
        this.protocolInputs = protocolInputs;
        this.metrics = metrics;
    }

    /** The workers' sealing public key, which clients seal inputs to (GetSealingKey). */
    public SealingKey sealingKey() { return sealingKey; }

    /**
     * Validates and enqueues. A job's deadline is the request's own ({@code SubmitRequest.deadline}) or none: the
     * gRPC call's deadline bounds the call (a Prove's wait for the result), never the job, which outlives the call
     * and is found again by its id or idempotency key.
     */
    public CompletionStage<Submitted> submit(String tenant, SubmitRequest req) {
        return submit(tenant, req, null);
    }

    /**
     * As {@link #submit(String, SubmitRequest)}, and registers {@code watcher} (if not null) with the job — the new
     * one, or the one the idempotency key already names — as {@link #watch} does, before the stage completes.
     *
     * @param tenant the submitting tenant ("" for none: a farm without API keys), which owns the job and whose
     *               idempotency keys alone the request's key is looked up among
     */
    public CompletionStage<Submitted> submit(String tenant, SubmitRequest req, JobListener watcher) {
        return submit(tenant, req, watcher, null);
    }

    /** As {@link #submit(String, SubmitRequest, JobListener)}, with the places its admission reserved (or null). */
    public CompletionStage<Submitted> submit(String tenant, SubmitRequest req, JobListener watcher, UnfinishedJobs.Reservation places) {
        return submitAll(tenant, List.of(req), watcher == null ? null : java.util.Collections.singletonList(watcher), places).get(0);
    }

    /**
     * Submits each request as {@link #submit(String, SubmitRequest, JobListener)} does — the same validation, sealing
     * and idempotency — and enqueues the accepted ones together: one tracker message for all of them, and their
     * records handed to the Kafka producer back to back (it batches them) before waiting for any acknowledgement.
     * Returns one stage per request, in order; a refused request fails only its own stage.
     *
     * @param watchers null, or one listener (or null) per request
     * @param places   null, or the places among the tenant's unfinished jobs that its admission reserved
     *                 ({@link org.ppfarm.coordinator.tenants.Quotas#admit}): released once the tracker has counted the
     *                 accepted jobs, or at once if none is accepted
     */
    public List<CompletableFuture<Submitted>> submitAll(String tenant, List<SubmitRequest> reqs, List<JobListener> watchers,
                                                        UnfinishedJobs.Reservation places) {
        List<CompletableFuture<Prepared>> prepared = new ArrayList<>(reqs.size());
        for (SubmitRequest req : reqs) {
            // building inputs from a privacy-pool request takes Merkle trees (up to seconds): off the caller's thread
            if (protocolInputs != null && plaintextAllowed.test(tenant) && (req.getInputCase() == SubmitRequest.InputCase.WITHDRAW_REQUEST_JSON
                    || req.getInputCase() == SubmitRequest.InputCase.RAGEQUIT_REQUEST_JSON))
                prepared.add(CompletableFuture.supplyAsync(() -> prepareOrThrow(tenant, req), blocking));
            else prepared.add(prepareNow(tenant, req));
        }
        List<CompletableFuture<Submitted>> out = new ArrayList<>(reqs.size());
        for (int i = 0; i < reqs.size(); i++) out.add(new CompletableFuture<>());
        // everything quick runs on the caller's thread: when nothing went to the blocking pool this is synchronous
        CompletableFuture.allOf(prepared.toArray(CompletableFuture[]::new)).handle((x, e) -> {
            enqueue(prepared, watchers, places, out);
            return null;
        });
        return out;
    }

    /**
     * A validated job with its input sealed: the state to track and the record to write; {@code clientId}: its id
     * was drawn by the client (SubmitRequest.job_id), and may already name a job.
     */
    private record Prepared(Job job, JobRecord record, long t0, String inputField, boolean clientId) {}

    private CompletableFuture<Prepared> prepareNow(String tenant, SubmitRequest req) {
        try {
            return CompletableFuture.completedFuture(prepare(tenant, req));
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private Prepared prepareOrThrow(String tenant, SubmitRequest req) {
        try {
            return prepare(tenant, req);
        } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
        }
    }

    /**
     * The one place a job request is checked and sealed: circuit known, deadline not passed, input well-formed and in
     * range; then the job's state and its record with the input sealed. The plaintext input is wiped before return.
     */
    private Prepared prepare(String tenant, SubmitRequest req) throws Exception {
        long t0 = System.nanoTime();
        byte[] input = null;
        try {
            checkFields(req);
            Circuit circuit = registry.resolve(req.getCircuit());
            long now = System.currentTimeMillis();
            Timestamp deadline = req.hasDeadline() ? req.getDeadline() : null;
            if (deadline != null && Timestamps.toMillis(deadline) <= now)
                throw new DeadlinePassedException("deadline " + Timestamps.toString(deadline) + " has already passed; job dropped, not proved");
            if (!req.getJobId().isEmpty() && req.getInputCase() != SubmitRequest.InputCase.SEALED_INPUT)
                throw new InvalidInputException("job_id: only with sealed_input (a client that seals draws the job id); leave it empty");
            if (!plaintextAllowed.test(tenant) && req.getInputCase() != SubmitRequest.InputCase.SEALED_INPUT && req.getInputCase() != SubmitRequest.InputCase.INPUT_NOT_SET)
                throw new PreconditionFailedException(inputField(req) + ": plaintext inputs are refused by this farm (inputs.plaintext.allowed=false); "
                        + "seal the input to the workers' key (GetSealingKey, SubmitRequest.sealed_input)");
            InputKind kind;
            SealedInput sealed = null;
            String jobId = UUID.randomUUID().toString();
            switch (req.getInputCase()) {
                case SEALED_INPUT -> {
                    jobId = clientJobId(req.getJobId());
                    kind = checkSealed(req.getSealedInput());
                    ClientSealedInput in = req.getSealedInput();
                    sealed = SealedInput.newBuilder().setKeyId(in.getKeyId()).setEnc(in.getEnc()).setCiphertext(in.getCiphertext())
                            .setNonce(in.getNonce()).build();
                }
                case INPUT_JSON -> {
                    input = req.getInputJsonBytes().toByteArray();
                    validate(input);
                    kind = InputKind.INPUT_KIND_JSON;
                }
                case WTNS -> {
                    input = req.getWtns().toByteArray();
                    try { // the whole .wtns checked as the worker's engine reads it: layout, BN254's r, every value below r
                        WtnsFile.read("wtns", input).zeroize();
                    } catch (FormatException e) {
                        throw new InvalidInputException(e.getMessage());
                    }
                    kind = InputKind.INPUT_KIND_WTNS;
                }
                case WITHDRAW_REQUEST_JSON, RAGEQUIT_REQUEST_JSON -> {
                    if (protocolInputs == null)
                        throw new UnsupportedInputException("privacy-pool requests are not available in this build; send input_json");
                    byte[] request = req.getInputCase() == SubmitRequest.InputCase.WITHDRAW_REQUEST_JSON
                            ? req.getWithdrawRequestJsonBytes().toByteArray() : req.getRagequitRequestJsonBytes().toByteArray();
                    try {
                        input = req.getInputCase() == SubmitRequest.InputCase.WITHDRAW_REQUEST_JSON
                                ? protocolInputs.withdraw(request) : protocolInputs.ragequit(request);
                    } finally {
                        InputSeal.zeroize(request);
                    }
                    validate(input);
                    kind = InputKind.INPUT_KIND_JSON;
                }
                default -> throw new InvalidInputException("no input: set input_json, wtns, withdraw_request_json, ragequit_request_json or sealed_input");
            }
            Priority priority = req.getPriority() == Priority.PRIORITY_UNSPECIFIED ? Priority.PRIORITY_NORMAL : req.getPriority();
            JobRecord.Builder rb = JobRecord.newBuilder().setJobId(jobId).setCircuit(circuit).setPriority(priority)
                    .setInputKind(kind).setInput(sealed != null ? sealed : sealer.seal(jobId, input)).setSubmittedAt(Timestamps.fromMillis(now))
                    .setIdempotencyKey(req.getIdempotencyKey()).setResultInbox(resultInbox).setTenant(tenant);
            if (!req.getIdempotencyKey().isEmpty()) rb.setRequestDigest(requestDigest(req, circuit, priority));
            if (deadline != null) rb.setDeadline(deadline);
            JobRecord record = rb.build();
            // before anything is recorded: Kafka would refuse it only after the job was tracked (and maybe offered)
            String inputField = inputField(req);
            if (record.getSerializedSize() > log.maxJobRecordBytes())
                throw new LimitExceededException(inputField + ": the job's record, its input sealed, is " + record.getSerializedSize()
                        + " bytes, over the limit of " + log.maxJobRecordBytes() + " bytes per job (what the jobs topic's max.message.bytes leaves for it)");
            Job job = JobStates.queued(record);
            if (!req.getCallbackUrl().isEmpty()) // checked against the tenant's allowlist at the edge; delivered by WebhookDeliverer
                job = job.toBuilder().setWebhook(WebhookDelivery.newBuilder().setUrl(req.getCallbackUrl())
                        .setState(WebhookDelivery.State.STATE_PENDING)).build();
            return new Prepared(job, record, t0, inputField, sealed != null);
        } catch (Exception e) {
            metrics.refused(e.getClass().getSimpleName());
            throw e;
        } finally {
            InputSeal.zeroize(input);
        }
    }

    /** {@link InputValidator}'s check, its message verbatim: a worker fails a sealed input with the same one. */
    private static void validate(byte[] circuitInput) throws InvalidInputException {
        try {
            InputValidator.validate(circuitInput);
        } catch (InvalidCircuitInputException e) {
            throw new InvalidInputException(e.getMessage());
        }
    }

    /**
     * Refuses, before anything else is looked at, identifiers over {@link Identifiers#MAX_BYTES}, a priority this
     * version does not define, and a deadline that is no valid timestamp.
     */
    private static void checkFields(SubmitRequest req) throws InvalidInputException {
        Identifiers.check("idempotency_key", req.getIdempotencyKey());
        Identifiers.check("job_id", req.getJobId());
        Identifiers.check("circuit.name", req.getCircuit().getName());
        Identifiers.check("circuit.zkey_sha256", req.getCircuit().getZkeySha256());
        if (req.getPriority() == Priority.UNRECOGNIZED)
            throw new InvalidInputException("priority: unknown value " + req.getPriorityValue()
                    + "; PRIORITY_LOW, PRIORITY_NORMAL or PRIORITY_HIGH (unset: normal)");
        if (req.hasDeadline() && !Timestamps.isValid(req.getDeadline()))
            throw new InvalidInputException("deadline: not a valid timestamp (seconds " + req.getDeadline().getSeconds() + ", nanos "
                    + req.getDeadline().getNanos() + "); seconds from 0001-01-01 to 9999-12-31 UTC, nanos 0 to 999999999");
    }

    /**
     * A client-drawn job id: a version 4 UUID in canonical lowercase form, as the coordinator's own ids are, so that
     * it is as unguessable as theirs (job ids are not secrets, but knowing one is the first step to probing for it).
     */
    private static String clientJobId(String jobId) throws InvalidInputException {
        if (jobId.isEmpty()) throw new InvalidInputException("job_id: required with sealed_input (the id the input is sealed for); draw a random UUID");
        UUID u;
        try {
            u = UUID.fromString(jobId);
        } catch (IllegalArgumentException e) {
            u = null;
        }
        if (u == null || u.version() != 4 || !u.toString().equals(jobId))
            throw new InvalidInputException("job_id: " + Identifiers.quote(jobId) + " is not a random (version 4) UUID in canonical lowercase form");
        return jobId;
    }

    /**
     * What the coordinator can check of a sealed input without opening it: its kind, that it is sealed to the
     * workers' key, and the HPKE sizes (the record's size is checked with the rest). The worker checks the content.
     */
    private InputKind checkSealed(ClientSealedInput in) throws InvalidInputException, PreconditionFailedException {
        InputKind kind = InputKind.forNumber(in.getKindValue());
        if (in.getKind() == SealedInputKind.SEALED_INPUT_KIND_UNSPECIFIED || kind == null)
            throw new InvalidInputException("sealed_input.kind: unknown value " + in.getKindValue() + "; JSON, WTNS, WITHDRAW_REQUEST or RAGEQUIT_REQUEST");
        if (!sealKeyId.equals(in.getKeyId()))
            throw new PreconditionFailedException("sealed_input.key_id: sealed to key " + Identifiers.quote(in.getKeyId()) + ", but this farm's workers hold key "
                    + sealKeyId + " (GetSealingKey); seal again to that key");
        if (in.getEnc().size() != 32) throw new InvalidInputException("sealed_input.enc: " + in.getEnc().size() + " bytes; an X25519 encapsulated key is 32");
        if (!in.getNonce().isEmpty() && in.getNonce().size() != 12)
            throw new InvalidInputException("sealed_input.nonce: " + in.getNonce().size() + " bytes; empty (single-shot HPKE) or 12 (session mode)");
        if (in.getCiphertext().size() < 17) throw new InvalidInputException("sealed_input.ciphertext: " + in.getCiphertext().size()
                + " bytes; an AES-256-GCM ciphertext of a non-empty input is at least 17 (16 of them the tag)");
        return kind;
    }

    /** The request field that carries the input, as a message names it. */
    private static String inputField(SubmitRequest req) {
        return switch (req.getInputCase()) {
            case INPUT_JSON -> "input_json";
            case WTNS -> "wtns";
            case WITHDRAW_REQUEST_JSON -> "input built from withdraw_request_json";
            case RAGEQUIT_REQUEST_JSON -> "input built from ragequit_request_json";
            case SEALED_INPUT -> "sealed_input";
            case INPUT_NOT_SET -> "input";
        };
    }

    /**
     * The SHA-256 of what makes two submissions under one idempotency key the same request (prover.proto,
     * SubmitRequest.idempotency_key): the circuit as resolved (name@version and zkey), the input's field and bytes as
     * sent, and the priority — each length-prefixed, so no two requests share an encoding. Not the deadline: it says
     * until when, not what, and a retry that recomputes it (`ppfarm submit --deadline-s`) is still the same request.
     * Only the digest is kept: inputs are spending keys.
     */
    static ByteString requestDigest(SubmitRequest req, Circuit circuit, Priority priority) {
        MessageDigest md = Sha256.digest();
        field(md, ByteString.copyFromUtf8("ppfarm.v1.SubmitRequest"));
        field(md, ByteString.copyFromUtf8(circuit.getName()));
        field(md, ByteString.copyFromUtf8(circuit.getZkeySha256()));
        md.update((byte) req.getInputCase().getNumber());
        field(md, switch (req.getInputCase()) {
            case INPUT_JSON -> req.getInputJsonBytes();
            case WTNS -> req.getWtns();
            case WITHDRAW_REQUEST_JSON -> req.getWithdrawRequestJsonBytes();
            case RAGEQUIT_REQUEST_JSON -> req.getRagequitRequestJsonBytes();
            case SEALED_INPUT -> req.getSealedInput().toByteString(); // with job_id its associated data: the same bytes, sealed once
            case INPUT_NOT_SET -> ByteString.EMPTY;
        });
        if (req.getInputCase() == SubmitRequest.InputCase.SEALED_INPUT) field(md, ByteString.copyFromUtf8(req.getJobId()));
        md.update((byte) priority.getNumber());
        return ByteString.copyFrom(md.digest());
    }

    private static void field(MessageDigest md, ByteString bytes) {
        md.update(ByteBuffer.allocate(8).putLong(bytes.size()).array());
        for (ByteBuffer b : bytes.asReadOnlyByteBufferList()) md.update(b);
    }

    /**
     * Records the prepared jobs in the tracker — local state first, so a worker's fast result always finds its job —
     * then makes the new ones durable in Kafka. A batch with idempotency keys asks (to learn which jobs are replays,
     * and which reuse a key for another request); one without tells, and the tracker's mailbox orders it before any
     * later Get, Watch or event of its jobs. A job whose write fails is forgotten before its submission fails, so
     * nothing of it is left and a retry under its key makes a new job.
     */
    private void enqueue(List<CompletableFuture<Prepared>> prepared, List<JobListener> watchers, UnfinishedJobs.Reservation places,
                         List<CompletableFuture<Submitted>> out) {
        List<Integer> index = new ArrayList<>();
        List<Job> jobs = new ArrayList<>();
        List<JobListener> ws = watchers == null ? null : new ArrayList<>();
        boolean keyed = false;
        for (int i = 0; i < prepared.size(); i++) {
            CompletableFuture<Prepared> p = prepared.get(i);
            if (p.isCompletedExceptionally()) {
                int k = i;
                p.exceptionally(e -> { out.get(k).completeExceptionally(e); return null; });
                continue;
            }
            Job job = p.join().job();
            index.add(i);
            jobs.add(job);
            if (ws != null) ws.add(watchers.get(i));
            keyed |= !job.getIdempotencyKey().isEmpty() || p.join().clientId(); // a client-drawn id may be taken: ask
        }
        if (jobs.isEmpty()) {
            if (places != null) places.release();
            return;
        }
        CompletionStage<List<JobTracker.Held>> holders;
        if (keyed) {
            holders = AskPattern.ask(tracker, r -> new JobTracker.Enqueue(jobs, ws, r, places), ASK, scheduler);
            if (places != null) holders.whenComplete((h, e) -> { if (e != null) places.release(); }); // no answer: not counted
        } else {
            tracker.tell(new JobTracker.Enqueue(jobs, ws, null, places));
            holders = CompletableFuture.completedFuture(jobs.stream().map(j -> new JobTracker.Held(j.getJobId(), false, false)).toList());
        }
        holders.whenComplete((h, e) -> {
            for (int k = 0; k < jobs.size(); k++) {
                CompletableFuture<Submitted> o = out.get(index.get(k));
                if (e != null) { o.completeExceptionally(notTaken(e)); continue; }
                Job job = jobs.get(k);
                JobTracker.Held held = h.get(k);
                if (held.otherRequest() && held.idTaken()) {
                    o.completeExceptionally(new IdempotencyConflictException("job_id " + Identifiers.quote(job.getJobId())
                            + ": already names a job; draw a new id (a random UUID) and seal the input to it again"));
                    continue;
                }
                if (held.otherRequest()) {
                    o.completeExceptionally(new IdempotencyConflictException("idempotency_key " + Identifiers.quote(job.getIdempotencyKey())
                            + ": already used for a different request (circuit, input or priority differ); use a new key for a new job"));
                    continue;
                }
                if (held.idTaken() || !held.jobId().equals(job.getJobId())) { o.complete(new Submitted(held.jobId(), true)); continue; }
                Prepared p = prepared.get(index.get(k)).join();
                // its QUEUED state first, then its record, through one producer with one request in flight: the
                // state lands in the state topic before any worker can take the job, so every coordinator knows a
                // queued job (Get, Watch, Cancel, and its idempotency key at any coordinator), and a later state
                // of it (from its worker's events) lands after this one. The state's write is not awaited: the
                // record's acknowledgement, which comes no sooner, is what makes the job accepted.
                CompletableFuture<Void> queued = log.publishState(job);
                // an idle worker, if any, gets the job now, and its record goes to a partition that worker owns, so
                // the worker settles the record's Kafka copy with its offered run (docs/farm.md, "Job offers")
                JobOffers.Claim offer = offers == null ? null : offers.claim(log.jobsTopic(p.record()));
                CompletableFuture<Void> written = offer == null ? log.publishJob(p.record()) : log.publishJob(p.record(), offer.partition());
                if (offer != null) {
                    offer.offer(JobOffer.newBuilder().setRecord(p.record().toByteString())
                            .setTopic(log.jobsTopic(p.record())).setPartition(offer.partition()).build());
                    metrics.offered();
                }
                written.whenComplete((x, ke) -> {
                    if (ke != null) {
                        // told before the submission fails: the tracker has forgotten it before any retry arrives;
                        // and the other coordinators, which may have learnt its QUEUED state, forget it too
                        tracker.tell(new JobTracker.Forget(job.getJobId()));
                        queued.whenComplete((y, se) -> { if (se == null) log.forgetState(job.getJobId()); });
                        Throwable cause = ke instanceof CompletionException && ke.getCause() != null ? ke.getCause() : ke;
                        o.completeExceptionally(cause instanceof JobLog.RecordTooLargeException t
                                ? new LimitExceededException(p.inputField() + ": " + t.getMessage())
                                : new NotAvailableException("job log (Kafka) unavailable: " + cause.getMessage()));
                        return;
                    }
                    metrics.submitted(job.getCircuit().getName(), System.nanoTime() - p.t0());
                    o.complete(new Submitted(job.getJobId(), false));
                });
            }
        });
    }

    /** The job's state; empty for an unknown job and for another tenant's (the two are answered alike). */
    public CompletionStage<Optional<Job>> get(String tenant, String jobId) {
        return checkedJobId(jobId).thenCompose(id -> AskPattern.ask(tracker, r -> new JobTracker.Get(id, tenant, r), ASK, scheduler));
    }

    /** Registers {@code listener}; false for an unknown job and for another tenant's. */
    public CompletionStage<Boolean> watch(String tenant, String jobId, JobListener listener) {
        return checkedJobId(jobId).thenCompose(id -> AskPattern.ask(tracker, r -> new JobTracker.Watch(id, tenant, listener, r), ASK, scheduler));
    }

    /** {@code jobId}, or a failed stage if it is longer than any identifier may be ({@link Identifiers}). */
    private static CompletableFuture<String> checkedJobId(String jobId) {
        try {
            Identifiers.check("job_id", jobId);
            return CompletableFuture.completedFuture(jobId);
        } catch (InvalidInputException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    public void unwatch(String jobId, JobListener listener) {
        tracker.tell(new JobTracker.Unwatch(jobId, listener));
    }

    /**
     * Cancels; a job that changed is published (workers that follow the state topic then skip it). Empty for an
     * unknown job and for another tenant's.
     */
    public CompletionStage<Optional<Job>> cancel(String tenant, String jobId) {
        CompletionStage<Optional<JobTracker.CancelOutcome>> c = checkedJobId(jobId)
                .thenCompose(id -> AskPattern.ask(tracker, r -> new JobTracker.Cancel(id, tenant, r), ASK, scheduler));
        return c.thenCompose(o -> {
            if (o.isEmpty()) return CompletableFuture.completedFuture(Optional.<Job>empty());
            if (!o.get().changed()) return CompletableFuture.completedFuture(Optional.of(o.get().job()));
            return log.publishState(o.get().job()).thenApply(x -> Optional.of(o.get().job()));
        });
    }

    /** A state from the state topic or this coordinator; completes with the merged state if it changed. */
    public CompletionStage<Optional<Job>> learn(Job job) {
        return AskPattern.ask(tracker, r -> new JobTracker.Learn(job, r), ASK, scheduler);
    }

    /**
     * Workers' events polled together from the events topic; completes with the states to write to the state topic,
     * in order (see {@link JobTracker.ApplyEvents}). Finished jobs are counted here, once each, whichever way their
     * result arrived first.
     */
    public CompletionStage<List<Job>> applyEvents(List<JobEvent> events) {
        CompletionStage<List<Job>> s = AskPattern.ask(tracker, r -> new JobTracker.ApplyEvents(events, r), ASK, scheduler);
        return s.thenApply(changed -> {
            for (Job j : changed) if (JobStates.terminal(j.getStatus())) metrics.finished(j);
            return changed;
        });
    }

    /** The request's deadline had passed on arrival. Maps to DEADLINE_EXCEEDED. */
    public static final class DeadlinePassedException extends Exception {
        public DeadlinePassedException(String m) { super(m, null, false, false); }
    }

    /** A request over one of the farm's limits (the job's record larger than the job log takes). Maps to RESOURCE_EXHAUSTED. */
    public static final class LimitExceededException extends Exception {
        public LimitExceededException(String m) { super(m, null, false, false); }
    }

    /** An idempotency key already used for a different request. Maps to ALREADY_EXISTS. */
    public static final class IdempotencyConflictException extends Exception {
        public IdempotencyConflictException(String m) { super(m, null, false, false); }
    }

    /** Kafka did not take the job, for now: a retry can succeed. Maps to UNAVAILABLE. */
    /**
     * What a failed ask of the job tracker means to the client: the tracker did not answer (its actor system stopping,
     * as when this coordinator's node was downed, or an ask timeout), and nothing was written, so the job was not
     * made and a retry at another coordinator is safe: UNAVAILABLE, not INTERNAL.
     */
    private static Throwable notTaken(Throwable e) {
        Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        return c instanceof java.util.concurrent.TimeoutException
                ? new NotAvailableException("this coordinator cannot take jobs now (" + c.getMessage()
                        + "); no job was made; retry at another coordinator") : e;
    }

    public static final class NotAvailableException extends Exception {
        public NotAvailableException(String m) { super(m, null, false, false); }
    }

    /**
     * A request the farm's settings refuse as it is, not for its content: a plaintext input where inputs must be
     * sealed, an input sealed to another key. Maps to FAILED_PRECONDITION.
     */
    public static final class PreconditionFailedException extends Exception {
        public PreconditionFailedException(String m) { super(m, null, false, false); }
    }

    /** An input form this build cannot handle. Maps to UNIMPLEMENTED. */
    public static final class UnsupportedInputException extends Exception {
        public UnsupportedInputException(String m) { super(m, null, false, false); }
    }

    static long micros(long nanos) { return TimeUnit.NANOSECONDS.toMicros(nanos); }
}
