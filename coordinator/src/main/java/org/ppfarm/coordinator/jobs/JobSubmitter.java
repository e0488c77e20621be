package org.ppfarm.coordinator.jobs;

import org.ppfarm.farm.jobs.JobStates;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.ppfarm.coordinator.metrics.FarmMetrics;
import org.ppfarm.coordinator.registry.CircuitRegistry;
import org.ppfarm.farm.seal.InputSeal;
import org.ppfarm.coordinator.inputs.InputValidator;
import org.ppfarm.coordinator.inputs.ProtocolInputs;
import org.ppfarm.coordinator.inputs.InvalidInputException;
import org.ppfarm.prover.format.FormatException;
import org.ppfarm.prover.format.WtnsFile;
import org.ppfarm.proto.v1.Circuit;
import org.ppfarm.proto.v1.InputKind;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobEvent;
import org.ppfarm.proto.v1.JobOffer;
import org.ppfarm.proto.v1.JobRecord;
import org.ppfarm.proto.v1.Priority;
import org.ppfarm.proto.v1.SubmitRequest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * What the coordinator does with a job request, independent of gRPC: resolve the circuit, refuse what cannot be
 * proved (unknown circuit, malformed or out-of-range input, deadline already passed) before anything is enqueued,
 * honour idempotency keys, seal the input to the workers' key, and make the job durable in Kafka before answering.
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

    /**
     * @param blocking    builds inputs from privacy-pool requests (Merkle trees: up to seconds), off the caller's thread
     * @param resultInbox the coordinator's result inbox ({@code cluster.ResultInbox}), as job records name it; empty:
     *                    none (results only through Kafka)
     * @param offers      the workers to offer jobs to directly when one is idle; null: none (jobs only through Kafka)
     */
    public JobSubmitter(CircuitRegistry registry, ActorRef<JobTracker.Command> tracker, Scheduler scheduler, JobLog log,
                        byte[] sealKey, ProtocolInputs protocolInputs, FarmMetrics metrics, Executor blocking, String resultInbox,
                        JobOffers offers) {
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

    /**
     * Validates and enqueues. {@code callDeadlineMillis} (epoch ms, 0 for none) is the client's gRPC deadline: a job
     * without its own deadline is dropped when nobody can receive its result any more.
     */
    public CompletionStage<Submitted> submit(SubmitRequest req, long callDeadlineMillis) {
        return submit(req, callDeadlineMillis, null);
    }

    /**
     * As {@link #submit(SubmitRequest, long)}, and registers {@code watcher} (if not null) with the job — the new
     * one, or the one the idempotency key already names — as {@link #watch} does, before the stage completes.
     */
    public CompletionStage<Submitted> submit(SubmitRequest req, long callDeadlineMillis, JobListener watcher) {
        return submitAll(List.of(req), callDeadlineMillis, watcher == null ? null : java.util.Collections.singletonList(watcher)).get(0);
    }

    /**
     * Submits each request as {@link #submit(SubmitRequest, long, JobListener)} does — the same validation, sealing
     * and idempotency — and enqueues the accepted ones together: one tracker message for all of them, and their
     * records handed to the Kafka producer back to back (it batches them) before waiting for any acknowledgement.
     * Returns one stage per request, in order; a refused request fails only its own stage.
     *
     * @param watchers null, or one listener (or null) per request
     */
    public List<CompletableFuture<Submitted>> submitAll(List<SubmitRequest> reqs, long callDeadlineMillis, List<JobListener> watchers) {
        List<CompletableFuture<Prepared>> prepared = new ArrayList<>(reqs.size());
        for (SubmitRequest req : reqs) {
            // building inputs from a privacy-pool request takes Merkle trees (up to seconds): off the caller's thread
            if (protocolInputs != null && (req.getInputCase() == SubmitRequest.InputCase.WITHDRAW_REQUEST_JSON
                    || req.getInputCase() == SubmitRequest.InputCase.RAGEQUIT_REQUEST_JSON))
                prepared.add(CompletableFuture.supplyAsync(() -> prepareOrThrow(req, callDeadlineMillis), blocking));
            else prepared.add(prepareNow(req, callDeadlineMillis));
        }
        List<CompletableFuture<Submitted>> out = new ArrayList<>(reqs.size());
        for (int i = 0; i < reqs.size(); i++) out.add(new CompletableFuture<>());
        // everything quick runs on the caller's thread: when nothing went to the blocking pool this is synchronous
        CompletableFuture.allOf(prepared.toArray(CompletableFuture[]::new)).handle((x, e) -> {
            enqueue(prepared, watchers, out);
            return null;
        });
        return out;
    }

    /** A validated job with its input sealed: the state to track and the record to write. */
    private record Prepared(Job job, JobRecord record, long t0) {}

    private CompletableFuture<Prepared> prepareNow(SubmitRequest req, long callDeadlineMillis) {
        try {
            return CompletableFuture.completedFuture(prepare(req, callDeadlineMillis));
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private Prepared prepareOrThrow(SubmitRequest req, long callDeadlineMillis) {
        try {
            return prepare(req, callDeadlineMillis);
        } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
        }
    }

    /**
     * The one place a job request is checked and sealed: circuit known, deadline not passed, input well-formed and in
     * range; then the job's state and its record with the input sealed. The plaintext input is wiped before return.
     */
    private Prepared prepare(SubmitRequest req, long callDeadlineMillis) throws Exception {
        long t0 = System.nanoTime();
        byte[] input = null;
        try {
            Circuit circuit = registry.resolve(req.getCircuit());
            long now = System.currentTimeMillis();
            if (req.hasDeadline() && !Timestamps.isValid(req.getDeadline()))
                throw new InvalidInputException("deadline: not a valid timestamp (seconds in years 0001-9999, nanos 0-999999999)");
            Timestamp deadline = req.hasDeadline() ? req.getDeadline()
                    : callDeadlineMillis > 0 ? Timestamps.fromMillis(callDeadlineMillis) : null;
            if (deadline != null && Timestamps.toMillis(deadline) <= now)
                throw new DeadlinePassedException("deadline " + Timestamps.toString(deadline) + " has already passed; job dropped, not proved");
            InputKind kind;
            switch (req.getInputCase()) {
                case INPUT_JSON -> {
                    input = req.getInputJsonBytes().toByteArray();
                    InputValidator.validate(input);
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
                    InputValidator.validate(input);
                    kind = InputKind.INPUT_KIND_JSON;
                }
                default -> throw new InvalidInputException("no input: set input_json, wtns, withdraw_request_json or ragequit_request_json");
            }
            Priority priority = req.getPriority() == Priority.PRIORITY_UNSPECIFIED || req.getPriority() == Priority.UNRECOGNIZED
                    ? Priority.PRIORITY_NORMAL : req.getPriority();
            String jobId = UUID.randomUUID().toString();
            JobRecord.Builder rb = JobRecord.newBuilder().setJobId(jobId).setCircuit(circuit).setPriority(priority)
                    .setInputKind(kind).setInput(sealer.seal(jobId, input)).setSubmittedAt(Timestamps.fromMillis(now))
                    .setIdempotencyKey(req.getIdempotencyKey()).setResultInbox(resultInbox);
            if (deadline != null) rb.setDeadline(deadline);
            JobRecord record = rb.build();
            return new Prepared(JobStates.queued(record), record, t0);
        } catch (Exception e) {
            metrics.refused(e.getClass().getSimpleName());
            throw e;
        } finally {
            InputSeal.zeroize(input);
        }
    }

    /**
     * Records the prepared jobs in the tracker — local state first, so a worker's fast result always finds its job —
     * then makes the new ones durable in Kafka. A batch with idempotency keys asks (to learn which jobs are replays);
     * one without tells, and the tracker's mailbox orders it before any later Get, Watch or event of its jobs.
     */
    private void enqueue(List<CompletableFuture<Prepared>> prepared, List<JobListener> watchers, List<CompletableFuture<Submitted>> out) {
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
            keyed |= !job.getIdempotencyKey().isEmpty();
        }
        if (jobs.isEmpty()) return;
        CompletionStage<List<String>> holders;
        if (keyed) holders = AskPattern.ask(tracker, r -> new JobTracker.Enqueue(jobs, ws, r), ASK, scheduler);
        else {
            tracker.tell(new JobTracker.Enqueue(jobs, ws, null));
            holders = CompletableFuture.completedFuture(jobs.stream().map(Job::getJobId).toList());
        }
        holders.whenComplete((h, e) -> {
            for (int k = 0; k < jobs.size(); k++) {
                CompletableFuture<Submitted> o = out.get(index.get(k));
                if (e != null) { o.completeExceptionally(e); continue; }
                Job job = jobs.get(k);
                if (!h.get(k).equals(job.getJobId())) { o.complete(new Submitted(h.get(k), true)); continue; }
                Prepared p = prepared.get(index.get(k)).join();
                // the job record is the job's only write here: its QUEUED state is not written to the state topic
                // (a restarted coordinator re-learns unfinished jobs from the jobs topics, JobsReplay)
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
                        o.completeExceptionally(new NotAvailableException("job log (Kafka) unavailable: " + ke.getMessage()));
                        return;
                    }
                    metrics.submitted(job.getCircuit().getName(), System.nanoTime() - p.t0());
                    o.complete(new Submitted(job.getJobId(), false));
                });
            }
        });
    }

    public CompletionStage<Optional<Job>> get(String jobId) {
        return AskPattern.ask(tracker, r -> new JobTracker.Get(jobId, r), ASK, scheduler);
    }

    public CompletionStage<Boolean> watch(String jobId, JobListener listener) {
        return AskPattern.ask(tracker, r -> new JobTracker.Watch(jobId, listener, r), ASK, scheduler);
    }

    public void unwatch(String jobId, JobListener listener) {
        tracker.tell(new JobTracker.Unwatch(jobId, listener));
    }

    /** Cancels; a job that changed is published (workers that follow the state topic then skip it). */
    public CompletionStage<Optional<Job>> cancel(String jobId) {
        CompletionStage<Optional<JobTracker.CancelOutcome>> c = AskPattern.ask(tracker, r -> new JobTracker.Cancel(jobId, r), ASK, scheduler);
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

    /** Kafka did not take the job. Maps to UNAVAILABLE. */
    public static final class NotAvailableException extends Exception {
        public NotAvailableException(String m) { super(m, null, false, false); }
    }

    /** An input form this build cannot handle. Maps to UNIMPLEMENTED. */
    public static final class UnsupportedInputException extends Exception {
        public UnsupportedInputException(String m) { super(m, null, false, false); }
    }

    static long micros(long nanos) { return TimeUnit.NANOSECONDS.toMicros(nanos); }
}
