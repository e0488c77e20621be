package org.ppfarm.worker;

import com.google.protobuf.ByteString;
import com.google.protobuf.util.Timestamps;
import io.grpc.Status;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.ppfarm.farm.jobs.JobStates;
import org.ppfarm.farm.seal.InputSeal;
import org.ppfarm.proto.v1.JobEvent;
import org.ppfarm.proto.v1.JobRecord;
import org.ppfarm.proto.v1.ProofResult;
import org.ppfarm.proto.v1.StageTimings;
import org.ppfarm.prover.PpfarmException;
import org.ppfarm.proto.v1.InputKind;
import org.ppfarm.worker.pipeline.PoolRequests;
import org.ppfarm.worker.pipeline.ProvingPipeline;
import org.ppfarm.witness.InputValidator;
import org.ppfarm.witness.InvalidCircuitInputException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs one fetched job: skip it if already finished or cancelled, drop it if its deadline passed, open its sealed
 * input (and build the circuit input of a privacy-pool request a client sealed, {@link PoolRequests}), check a
 * circuit-input JSON as the coordinator checks a plaintext one ({@link InputValidator}), prove it on the circuit's
 * resident pipeline, and publish exactly one terminal event. Bad input fails the job (INVALID_ARGUMENT,
 * never retried). An artifact that cannot be fetched hands the job back ({@link #artifactMissing}):
 * it fails only when its circuit is unknown to the whole farm. Nothing about the input is ever logged. Thread-safe:
 * prover threads share one runner.
 */
final class JobRunner {
    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);
    /**
     * Consecutive fetches of a circuit on which every coordinator of {@code coordinator.address} answered that it
     * knows no circuit using the artifact, before the job fails NOT_FOUND: a coordinator that learnt the circuit a
     * moment ago is given a few seconds' grace, an unknown circuit is not retried forever.
     */
    static final int UNKNOWN_ATTEMPTS = 3;
    /** Longest a handed-back job waits before it is tried again (1 s per consecutive failure up to this). */
    static final long HAND_BACK_MAX_MILLIS = 5000;

    @FunctionalInterface
    interface Publisher {
        /** Publishes; the stage completes once Kafka acknowledged the event (or failed to). */
        CompletionStage<Void> publish(JobEvent e);
    }

    /**
     * What a runner works with: the circuits it proves on, the key that opens sealed inputs, where terminal events go
     * (Kafka, durably; the submitting coordinator's result inbox, at once), what tells it a job needs no run (the
     * state topic's finished jobs; offered runs a Kafka copy settles with), and its metrics.
     */
    record Collaborators(ResidentCircuits circuits, InputSeal.KeyPair keys, Publisher events, ResultNotices notices,
                         Set<String> finishedJobs, OfferedJobs offered, WorkerMetrics metrics) {}

    private final String workerId;
    private final JobEvents events;
    private final InputSeal.Opener opener;
    private final ResidentCircuits circuits;
    private final Publisher publisher;
    private final ResultNotices notices;
    private final Set<String> finishedJobs;
    private final OfferedJobs offered;
    private final WorkerMetrics metrics;
    /** Per circuit (zkey and wasm hash): consecutive failed fetches, and how many of the last ones found it unknown everywhere. */
    private final ConcurrentHashMap<String, int[]> artifactFailures = new ConcurrentHashMap<>();
    private final long runningReportDelayMillis;
    private final ScheduledExecutorService timers;

    /** @param runningReportDelayMillis {@value WorkerConfig#RUNNING_REPORT_DELAY_MS}: see {@link RunningReport} */
    JobRunner(String workerId, Collaborators with, long runningReportDelayMillis) {
        this.workerId = workerId;
        this.events = new JobEvents(workerId);
        this.runningReportDelayMillis = runningReportDelayMillis;
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1,
                r -> Thread.ofPlatform().daemon().name(workerId + "-runner-timers").unstarted(r));
        timers.setRemoveOnCancelPolicy(true); // nearly every RUNNING report is cancelled: keep the queue small
        this.timers = timers;
        this.opener = new InputSeal.Opener(with.keys());
        this.circuits = with.circuits();
        this.publisher = with.events();
        this.notices = with.notices();
        this.finishedJobs = with.finishedJobs();
        this.offered = with.offered();
        this.metrics = with.metrics();
    }

    String backend() { return circuits.backend(); }

    /**
     * Runs the job on the calling thread up to its terminal event, and returns without waiting for Kafka to
     * acknowledge it: the stage completes with true once the event is durable (the job is settled, its offset may be
     * committed), or false to try the job again later. Not waiting keeps a prover thread proving while the event
     * travels, so a few threads keep up with fast jobs.
     */
    CompletionStage<Boolean> run(ConsumerRecord<String, byte[]> r) throws InterruptedException { return run(r, null); }

    /**
     * As {@link #run(ConsumerRecord)}; {@code offer}: not null when the job came as a coordinator's direct offer (its
     * record has no offset of its own), the run's stage in {@link OfferedJobs}. An offered run does not publish its
     * terminal event: it holds it for the job's Kafka copy, which publishes it instead of proving the job again (and
     * is tried again if the run gave the job up), so no event leaves for a job whose record never reached Kafka. Its
     * result notice goes to the coordinator at once.
     */
    CompletionStage<Boolean> run(ConsumerRecord<String, byte[]> r, CompletableFuture<Boolean> offer) throws InterruptedException {
        JobRecord job;
        try {
            job = JobRecord.parseFrom(r.value());
        } catch (Exception e) {
            return publish(events.failed(r.key(), Status.Code.INVALID_ARGUMENT, "unreadable job record (not a ppfarm.v1.JobRecord)"));
        }
        String jobId = job.getJobId();
        if (finishedJobs.contains(jobId)) { metrics.skipped(); return SETTLED; }
        if (offer == null) {
            CompletionStage<Boolean> copy = offered.kafkaCopy(jobId, this::publish);
            if (copy != null) return copy;
        }
        long startMillis = System.currentTimeMillis();
        if (job.hasDeadline() && Timestamps.toMillis(job.getDeadline()) <= startMillis)
            return finish(null, events.failed(jobId, Status.Code.DEADLINE_EXCEEDED, "job " + jobId + ": deadline "
                    + Timestamps.toString(job.getDeadline()) + " passed before a worker started it; dropped, not proved"), job, offer);

        ProvingPipeline pipeline;
        try {
            pipeline = circuits.pipeline(job.getCircuit());
            artifactFailures.remove(circuitKey(job));
        } catch (ArtifactFetcher.ArtifactException e) {
            return artifactMissing(job, e, offer);
        } catch (Exception e) {
            // a typed error names the circuit and what is wrong with it; anything else (an I/O error naming this
            // worker's files, a library's exception) stays in the worker's log
            if (!(e instanceof PpfarmException)) log.warn("job {}: circuit {} cannot be loaded: {}", jobId, job.getCircuit().getName(), e.toString());
            return finish(null, events.failed(jobId, Status.Code.FAILED_PRECONDITION, "circuit " + job.getCircuit().getName()
                    + " cannot be loaded" + (e instanceof PpfarmException ? ": " + e.getMessage() : " (the worker's log has the details)")), job, offer);
        }

        RunningReport running = new RunningReport(jobId, startMillis, offer != null);
        byte[] input = null;
        ProvingPipeline.Output proof;
        try {
            input = opener.open(jobId, job.getInput());
            InputKind kind = job.getInputKind();
            if (PoolRequests.isRequest(kind)) { // sealed by the client: the coordinator never saw the request
                byte[] request = input;
                input = null;
                try {
                    input = PoolRequests.circuitInput(kind, request);
                } finally {
                    InputSeal.zeroize(request);
                }
                kind = InputKind.INPUT_KIND_JSON;
            }
            // the coordinator's own check (it never saw a sealed input in plaintext), so a bad input fails with the
            // very message the coordinator gives it in plaintext; a .wtns is read as the coordinator reads it, by the pipeline
            if (kind == InputKind.INPUT_KIND_JSON) InputValidator.validate(input);
            proof = pipeline.prove(kind, input);
        } catch (InputSeal.SealException e) {
            return finish(running, events.failed(jobId, Status.Code.FAILED_PRECONDITION, e.getMessage()), job, offer);
        } catch (ProvingPipeline.JobInputException | InvalidCircuitInputException e) {
            metrics.failed("invalid_argument");
            return finish(running, events.failed(jobId, Status.Code.INVALID_ARGUMENT, e.getMessage()), job, offer);
        } catch (InterruptedException e) {
            running.finish();
            throw e;
        } catch (Exception e) {
            log.error("job {}: proving failed: {}", jobId, e.toString());
            metrics.failed("internal");
            return finish(running, events.failed(jobId, Status.Code.INTERNAL, "circuit " + job.getCircuit().getName()
                    + ": proving failed (internal error; the worker's log has the details)"), job, offer);
        } finally {
            InputSeal.zeroize(input);
        }
        long queuedMicros = Math.max(0, TimeUnit.MILLISECONDS.toMicros(startMillis - Timestamps.toMillis(job.getSubmittedAt())));
        // bytes-form text fields: protobuf would encode String fields char by char (see JobStates.bytesForm)
        ProofResult.Builder res = ProofResult.newBuilder().setProofJsonBytes(ByteString.copyFromUtf8(proof.proofJson()))
                .setPublicJsonBytes(ByteString.copyFromUtf8(proof.publicJson()))
                .setSolidityCalldataBytes(ByteString.copyFromUtf8(proof.calldata())).setWorkerId(workerId).setBackend(circuits.backend())
                .setTimings(StageTimings.newBuilder().setQueuedMicros(queuedMicros)
                        .setWitnessMicros(proof.witnessNanos() / 1000).setProveWaitMicros(proof.proveWaitNanos() / 1000)
                        .setProveMicros(proof.proveNanos() / 1000)
                        .setVerifyMicros(proof.verifyNanos() / 1000)
                        .setWitnessCpuMicros(proof.witnessCpuNanos() / 1000).setProveCpuMicros(proof.proveCpuNanos() / 1000));
        proof.proofElements().forEach(b -> res.addProofElements(ByteString.copyFrom(b)));
        proof.publicSignals().forEach(b -> res.addPublicSignals(ByteString.copyFrom(b)));
        metrics.proved(job.getCircuit().getName(), proof);
        return finish(running, events.succeeded(jobId, res), job, offer);
    }

    /**
     * A job whose circuit's artifacts could not be fetched: handed back (its offset stays uncommitted, and the stage
     * completes with false after a backoff of 1 s per consecutive failure of the circuit, at most
     * {@value #HAND_BACK_MAX_MILLIS} ms, without holding a prover thread), however long the coordinators stay down or
     * busy fetching the artifact themselves. It fails, NOT_FOUND in one line, only when the circuit is unknown to the
     * whole farm: on {@value #UNKNOWN_ATTEMPTS} consecutive fetches, every coordinator of {@code coordinator.address}
     * was reached and answered that no circuit it knows uses the artifact. A coordinator knows every circuit of the
     * registry topic before it serves, and a job is written only after its circuit's registration, so that answer
     * from all of them means the circuit is not the farm's.
     */
    private CompletionStage<Boolean> artifactMissing(JobRecord job, ArtifactFetcher.ArtifactException e, CompletableFuture<Boolean> offer) {
        int[] n = artifactFailures.compute(circuitKey(job), (k, v) -> {
            int[] c = v == null ? new int[2] : v;
            c[0]++;
            c[1] = e.unknownEverywhere() ? c[1] + 1 : 0;
            return c;
        });
        int failures = n[0], unknown = n[1];
        if (unknown >= UNKNOWN_ATTEMPTS) {
            artifactFailures.remove(circuitKey(job));
            log.warn("job {}: circuit {} is unknown to every coordinator; failed: {}", job.getJobId(), job.getCircuit().getName(), e.getMessage());
            // the coordinators' addresses are the farm's private network: in the worker's log, not the client's error
            return finish(null, events.failed(job.getJobId(), Status.Code.NOT_FOUND, "circuit " + job.getCircuit().getName()
                    + " is not registered at this farm: no coordinator knows its artifact " + e.sha256()), job, offer);
        }
        // one line per circuit while it stays missing, not one per job and attempt
        if (failures == 1 || failures % 20 == 0)
            log.warn("job {}: {}; handed back, tried again shortly ({} failed fetches of circuit {} so far)", job.getJobId(), e.getMessage(),
                    failures, job.getCircuit().getName());
        CompletableFuture<Boolean> again = new CompletableFuture<>();
        timers.schedule(() -> again.complete(false), Math.min(1000L * failures, HAND_BACK_MAX_MILLIS), TimeUnit.MILLISECONDS);
        return again;
    }

    private static String circuitKey(JobRecord job) { return job.getCircuit().getZkeySha256() + "/" + job.getCircuit().getWasmSha256(); }

    /**
     * Publishes a job's terminal event with its submission facts, after the job's RUNNING report if any was sent, and
     * tells it to the job's result inbox first (a notice needs no order with RUNNING: it is terminal, and a terminal
     * state is final). Once Kafka has the event, the job counts as finished here at once, not only when the state
     * topic says so: an offer of it that comes late (after its Kafka copy was proved: docs/farm.md, "Job offers") is
     * then not taken and proved a second time.
     */
    private CompletionStage<Boolean> finish(RunningReport running, JobEvent terminal, JobRecord job, CompletableFuture<Boolean> offer) {
        if (running != null) running.finish();
        JobEvent e = terminal.toBuilder().setSubmission(JobStates.queued(job)).build();
        notices.send(job.getResultInbox(), e);
        if (offer == null) return publish(e).thenApply(durable -> {
            if (durable) finishedJobs.add(job.getJobId());
            return durable;
        });
        offered.hold(offer, e);
        return SETTLED;
    }

    /**
     * The RUNNING report of one job: a {@code started} event sent once the job has been proving for
     * {@value WorkerConfig#RUNNING_REPORT_DELAY_MS}, or never if it finishes sooner (dispatch-bound farms of quick jobs
     * save one Kafka record, and one merge on the coordinator, per job). Sending and {@link #finish} exclude each
     * other, so a started event is always handed to the producer before the job's terminal event (same key, same
     * partition: Kafka keeps that order).
     */
    private final class RunningReport implements Runnable {
        private final String jobId;
        private final long startMillis;
        private final boolean offered;
        private ScheduledFuture<?> timer;
        private boolean finished;

        /** @param offered an offered run: no started event before the job's Kafka copy arrived (see {@link OfferedJobs}) */
        RunningReport(String jobId, long startMillis, boolean offered) {
            this.jobId = jobId;
            this.startMillis = startMillis;
            this.offered = offered;
            synchronized (this) {
                if (runningReportDelayMillis == 0 && !offered) run();
                else timer = timers.schedule(this, Math.max(runningReportDelayMillis, 1), TimeUnit.MILLISECONDS);
            }
        }

        @Override
        public synchronized void run() {
            if (finished) return;
            if (offered && JobRunner.this.offered.awaitingCopy(jobId)) {
                // the job may never have reached Kafka: report it once its copy has (checked again a delay later)
                timer = timers.schedule(this, Math.max(runningReportDelayMillis, 1), TimeUnit.MILLISECONDS);
                return;
            }
            // its outcome does not matter: the terminal event comes after it, and a lost one only hides RUNNING
            publish(events.started(jobId, startMillis));
        }

        synchronized void finish() {
            finished = true;
            if (timer != null) timer.cancel(false);
        }
    }

    private static final CompletionStage<Boolean> SETTLED = CompletableFuture.completedFuture(true);

    private CompletionStage<Boolean> publish(JobEvent e) {
        CompletionStage<Void> sent;
        try {
            sent = publisher.publish(e);
        } catch (RuntimeException ex) {
            sent = CompletableFuture.failedFuture(ex);
        }
        return sent.handle((x, ex) -> {
            if (ex == null) return true;
            log.warn("job {}: event not acknowledged by Kafka ({}); the job will be tried again", e.getJobId(), ex.toString());
            return false;
        });
    }

    void close() {
        timers.shutdownNow();
        circuits.close();
    }
}
