package org.ppfarm.coordinator.jobs;

import org.ppfarm.farm.jobs.JobStates;
import com.google.protobuf.ByteString;
import com.google.protobuf.util.Timestamps;
import io.grpc.Status;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobError;
import org.ppfarm.proto.v1.JobEvent;
import org.ppfarm.proto.v1.JobStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The coordinator's job tracker: a typed actor holding every job it knows (state and listeners) and the idempotency
 * keys in use. Every state change — from this coordinator's own submissions, from worker events, from the replicated
 * state topic — is sent here and merged ({@link JobStates}); the tracker tells listeners of each change, expires jobs
 * whose deadline passes before a worker finished them, and forgets finished jobs a while after they finished.
 *
 * <p>All job state lives in one map touched only on the actor's thread. It replaced one child actor per job: spawning
 * and stopping an actor (and its two timers) per job was a large part of the dispatchers' CPU, and every worker
 * event took one more mailbox hop on the result path. Deadlines and passivation therefore use one timer each over a
 * sorted set of due deadlines and a FIFO of finish times, not one timer per job.
 *
 * <p>Protocol: the nested {@link Command} records; failures are replies (an empty Optional for an unknown job), never
 * exceptions.
 */
public final class JobTracker extends AbstractBehavior<JobTracker.Command> {

    public sealed interface Command permits Learn, Recorded, Enqueue, Forget, ApplyEvents, Notice, Get, Watch, Unwatch, Cancel, Tick {}

    /**
     * A state learnt from a submission or the state topic; replies with the merged state if it changed. A non-null
     * {@code watcher} is registered with the job in the same step (as {@link Watch} would), so a submission that
     * waits for its result needs no second round trip. {@code replyTo} may be null: no reply wanted.
     */
    public record Learn(Job job, JobListener watcher, ActorRef<Optional<Job>> replyTo) implements Command {
        public Learn(Job job, ActorRef<Optional<Job>> replyTo) { this(job, null, replyTo); }
    }

    /**
     * A record of the state topic, in the topic's order: {@code job} (null for this coordinator's own writes, which
     * the tracker has already) is learnt as {@link Learn} does. It also repairs the one order the topic can get
     * wrong: a job's QUEUED state is written at its submission beside its record, and a later state of it by whichever
     * coordinator merges its worker's events; should a retried write put the QUEUED state after the terminal one,
     * compaction would keep the QUEUED one and a restarted coordinator would show a finished job queued for ever. A
     * non-terminal record that comes after the job's terminal record therefore makes the tracker write the terminal
     * state again (every coordinator that sees it does: the duplicates merge to no change).
     */
    public record Recorded(String jobId, JobStatus status, Job job) implements Command {}

    /**
     * New jobs from one submission (Submit: one job; SubmitBatch: many), in one message. In order, each job's
     * idempotency key (if any) is claimed: a job whose key another job already holds is not recorded — a replay if
     * both have the same {@code request_digest} (its watcher, if any, is registered with the holder instead), else a
     * different request under a used key (its watcher is not registered). Every other job is recorded, with its
     * watcher, as {@link Learn} does. {@code watchers} is null or parallel to {@code jobs} (null entries: none).
     * Replies, if {@code replyTo} is not null, with the holder of each job's key (the job itself if new); a batch
     * without keys needs no reply, and as a tell its jobs are ordered before any later message about them.
     * {@code places}, if not null, is released once the jobs are counted among their tenant's unfinished jobs.
     */
    public record Enqueue(List<Job> jobs, List<JobListener> watchers, ActorRef<List<Held>> replyTo,
                          UnfinishedJobs.Reservation places) implements Command {
        public Enqueue(List<Job> jobs, List<JobListener> watchers, ActorRef<List<Held>> replyTo) {
            this(jobs, watchers, replyTo, null);
        }
    }

    /**
     * The job that holds a submitted job's idempotency key, and whether it was submitted with another request;
     * {@code idTaken}: the submitted job's own (client-drawn) id already named a job, the holder.
     */
    public record Held(String jobId, boolean otherRequest, boolean idTaken) {}

    /**
     * A job the log never took (its record's write failed; at another coordinator: the tombstone that coordinator
     * wrote over the job's QUEUED state): forgotten as if never submitted — its state, listeners, deadline and
     * idempotency key — so a retry under the same key makes a new job. A worker it was offered to may
     * still report it: such reports are dropped for as long as finished jobs are retained, not turned back into a job.
     */
    public record Forget(String jobId) implements Command {}

    /**
     * Worker events polled from the events topic together; replies once every one is merged, with the states the
     * caller must now write to the state topic, in the order the events came: those the events changed, and those a
     * {@link Notice} of the same job changed first (each once). Duplicates and late results change nothing and are
     * left out.
     */
    public record ApplyEvents(List<JobEvent> events, ActorRef<List<Job>> replyTo) implements Command {}

    /**
     * A worker's terminal event told straight to this coordinator's result inbox, beside its write to the events
     * topic: merged and told to listeners at once (a waiting client is answered without the Kafka round trip), but
     * not written to the state topic here. The state a notice decides is owed until the same job's event arrives
     * from Kafka ({@link ApplyEvents}), whose follower writes it before committing: so nothing is committed past a
     * result whose state is not durable, and the state written is the one the client was told.
     */
    public record Notice(JobEvent event) implements Command {}

    /**
     * The job's state; empty for an unknown job and for a job of another tenant than {@code tenant} (null: any
     * tenant), which callers answer alike, so a tenant cannot tell another's job from no job.
     */
    public record Get(String jobId, String tenant, ActorRef<Optional<Job>> replyTo) implements Command {}

    /** Registers a listener; replies false (and never calls it) for an unknown job or one of another tenant (as {@link Get}). */
    public record Watch(String jobId, String tenant, JobListener listener, ActorRef<Boolean> replyTo) implements Command {}

    public record Unwatch(String jobId, JobListener listener) implements Command {}

    /**
     * Cancels an unfinished job; replies with the cancelled state (to publish) or the job as it is if finished; empty
     * for an unknown job or one of another tenant (as {@link Get}).
     */
    public record Cancel(String jobId, String tenant, ActorRef<Optional<CancelOutcome>> replyTo) implements Command {}

    /** The tracker's own timers: the earliest deadline is due, or time to forget jobs finished long enough ago. */
    enum Tick implements Command { DEADLINES, SWEEP }

    /** The job after a cancel request, and whether the request changed it. */
    public record CancelOutcome(Job job, boolean changed) {}

    /** One job: its merged state, listeners, and the tracker-clock times its deadline and sweep are keyed by. */
    private static final class Entry {
        Job job;
        final List<JobListener> listeners = new ArrayList<>(1);
        long dueAt = -1;      // key in {@link #due}, -1 when not in it
        long finishedAt = -1; // key of this entry in {@link #finished}, -1 while unfinished
        String key;           // the (tenant-scoped) idempotency key this job holds, if any
        boolean owed;         // a Notice decided its state; the events topic's follower has not written it yet
        boolean recordedTerminal; // the state topic holds a terminal state of it (seen through Recorded)
    }

    private record Due(long at, String jobId) {}
    /** The job holding an idempotency key, with the digest of the request it was submitted with. */
    private record Holder(String jobId, ByteString requestDigest) {}
    private record Finished(long at, String jobId) {}

    private static final Logger log = LoggerFactory.getLogger(JobTracker.class);
    private static final Comparator<Due> BY_TIME = Comparator.comparingLong(Due::at).thenComparing(Due::jobId);

    private final Consumer<Job> publisher;
    private final Clock clock;
    private final long retainMillis;
    private final Duration sweepEvery;
    private final TimerScheduler<Command> timers;
    private final QueuedJobs queued;
    private final UnfinishedJobs unfinished;
    private final UsageLedger usage;
    private final Map<String, Entry> jobs = new HashMap<>();
    private final Map<String, Holder> idempotency = new HashMap<>();
    private final Map<String, Long> forgotten = new HashMap<>(); // job id → when it was forgotten
    private final TreeSet<Due> due = new TreeSet<>(BY_TIME);
    private final ArrayDeque<Finished> finished = new ArrayDeque<>();
    private long deadlineArmedFor = Long.MAX_VALUE;

    /**
     * @param publisher      writes a state the tracker decided on its own (a deadline passed; a terminal state to
     *                       write again, see {@link Recorded}) to the state topic
     * @param retainFinished how long a finished job stays in memory
     * @param clock          what "now" is for deadlines, finish times and retention; the timers that wake the tracker
     *                       run on the actor system's scheduler, and on waking it asks this clock what is due (tests
     *                       move both together instead of sleeping through deadlines)
     * @param queued         kept up to date with the jobs in QUEUED state, for the metrics (written on the actor's
     *                       thread only)
     * @param unfinished     kept up to date with each tenant's unfinished jobs, for the {@code max_in_flight} quota
     *                       (written on the actor's thread only)
     * @param usage          counts each job as it finishes, for GetUsage (written on the actor's thread only)
     */
    public static Behavior<Command> create(Consumer<Job> publisher, Duration retainFinished, Clock clock, QueuedJobs queued,
                                           UnfinishedJobs unfinished, UsageLedger usage) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(t -> new JobTracker(ctx, t, publisher, retainFinished, clock, queued, unfinished, usage)));
    }

    private JobTracker(ActorContext<Command> ctx, TimerScheduler<Command> timers, Consumer<Job> publisher, Duration retainFinished,
                       Clock clock, QueuedJobs queued, UnfinishedJobs unfinished, UsageLedger usage) {
        super(ctx);
        this.timers = timers;
        this.queued = queued;
        this.unfinished = unfinished;
        this.usage = usage;
        this.publisher = publisher;
        this.clock = clock;
        this.retainMillis = retainFinished.toMillis();
        // a job is forgotten between retainFinished and one sweep period later; 10 ms is about the scheduler's tick
        this.sweepEvery = Duration.ofMillis(Math.clamp(retainMillis, 10, 1000));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Learn.class, m -> {
                    if (forgotten.containsKey(m.job().getJobId())) {
                        if (m.replyTo() != null) m.replyTo().tell(Optional.empty());
                        return this;
                    }
                    if (!m.job().getIdempotencyKey().isEmpty()) reserve(m.job());
                    learn(m.job(), m.watcher(), m.replyTo());
                    return this;
                })
                .onMessage(Recorded.class, m -> {
                    if (forgotten.containsKey(m.jobId())) {
                        // a client-drawn id (SubmitRequest.job_id) submitted again after its first write failed: the
                        // topic orders the tombstone of the first before the QUEUED state of the second
                        if (m.job() == null || m.status() != JobStatus.JOB_STATUS_QUEUED) return this;
                        forgotten.remove(m.jobId());
                    }
                    if (m.job() != null) {
                        if (!m.job().getIdempotencyKey().isEmpty()) reserve(m.job());
                        learn(m.job(), null, null);
                    }
                    Entry en = jobs.get(m.jobId());
                    if (en == null) return this;
                    if (JobStates.terminal(m.status())) en.recordedTerminal = true;
                    else if (en.recordedTerminal && JobStates.terminal(en.job.getStatus())) {
                        log.info("job {}: a {} state reached the state topic after its terminal state; writing the {} state again",
                                m.jobId(), m.status(), en.job.getStatus());
                        publisher.accept(en.job);
                    }
                    return this;
                })
                .onMessage(Enqueue.class, m -> {
                    List<Held> holders = m.replyTo() == null ? null : new ArrayList<>(m.jobs().size());
                    for (int i = 0; i < m.jobs().size(); i++) {
                        Job job = m.jobs().get(i);
                        JobListener watcher = m.watchers() == null ? null : m.watchers().get(i);
                        Entry known = jobs.get(job.getJobId());
                        if (known != null && known.job != null) {
                            // only a client-drawn id (SubmitRequest.job_id) can name a known job: the same tenant's
                            // retry of the same keyed request, or a reuse that is refused
                            boolean replay = !job.getIdempotencyKey().isEmpty() && job.getTenant().equals(known.job.getTenant())
                                    && job.getIdempotencyKey().equals(known.job.getIdempotencyKey())
                                    && job.getRequestDigest().equals(known.job.getRequestDigest());
                            if (replay && watcher != null) watch(known, watcher);
                            if (holders != null) holders.add(new Held(job.getJobId(), !replay, true));
                            continue;
                        }
                        forgotten.remove(job.getJobId()); // a client-drawn id whose first write failed (see Forget)
                        Holder holder = job.getIdempotencyKey().isEmpty() ? new Holder(job.getJobId(), job.getRequestDigest()) : reserve(job);
                        boolean other = !holder.requestDigest().equals(job.getRequestDigest());
                        if (holder.jobId().equals(job.getJobId())) learn(job, watcher, null);
                        else if (watcher != null && !other && jobs.get(holder.jobId()) != null) watch(jobs.get(holder.jobId()), watcher);
                        if (holders != null) holders.add(new Held(holder.jobId(), other, false));
                    }
                    if (m.places() != null) m.places().release(); // after the loop: the jobs now count themselves
                    if (holders != null) m.replyTo().tell(holders);
                    return this;
                })
                .onMessage(Forget.class, m -> { forget(m.jobId()); return this; })
                .onMessage(ApplyEvents.class, m -> {
                    List<Job> toWrite = new ArrayList<>(m.events().size());
                    for (JobEvent e : m.events()) {
                        if (forgotten.containsKey(e.getJobId())) continue;
                        Entry en = entry(e.getJobId());
                        boolean changed = update(e.getJobId(), en, JobStates.apply(en.job, e));
                        if (changed || en.owed) toWrite.add(en.job);
                        en.owed = false;
                    }
                    m.replyTo().tell(toWrite);
                    return this;
                })
                .onMessage(Notice.class, m -> {
                    JobEvent e = m.event();
                    if (forgotten.containsKey(e.getJobId())) return this;
                    Entry en = entry(e.getJobId());
                    if (update(e.getJobId(), en, JobStates.apply(en.job, e)) && JobStates.terminal(en.job.getStatus()))
                        en.owed = true;
                    return this;
                })
                .onMessage(Get.class, m -> {
                    Entry en = visible(m.jobId(), m.tenant());
                    m.replyTo().tell(en == null ? Optional.empty() : Optional.of(en.job));
                    return this;
                })
                .onMessage(Watch.class, m -> {
                    Entry en = visible(m.jobId(), m.tenant());
                    m.replyTo().tell(en != null);
                    if (en != null) watch(en, m.listener());
                    return this;
                })
                .onMessage(Unwatch.class, m -> {
                    Entry en = jobs.get(m.jobId());
                    if (en != null) en.listeners.remove(m.listener());
                    return this;
                })
                .onMessage(Cancel.class, m -> {
                    Entry en = visible(m.jobId(), m.tenant());
                    if (en == null) m.replyTo().tell(Optional.empty());
                    else if (JobStates.terminal(en.job.getStatus())) m.replyTo().tell(Optional.of(new CancelOutcome(en.job, false)));
                    else {
                        // a job already proving is not stopped: its worker's result is discarded (the first terminal
                        // state stands), and the client is told so
                        update(m.jobId(), en, finish(en.job, JobStatus.JOB_STATUS_CANCELLED, Status.Code.CANCELLED,
                                "job " + m.jobId() + " was cancelled" + (en.job.getStatus() == JobStatus.JOB_STATUS_RUNNING
                                        ? " while a worker proved it; its result is discarded" : " before a worker started it")));
                        m.replyTo().tell(Optional.of(new CancelOutcome(en.job, true)));
                    }
                    return this;
                })
                .onMessageEquals(Tick.DEADLINES, () -> { expireDue(); return this; })
                .onMessageEquals(Tick.SWEEP, () -> { sweep(); return this; })
                .build();
    }

    private void learn(Job job, JobListener watcher, ActorRef<Optional<Job>> replyTo) {
        Entry en = entry(job.getJobId());
        boolean changed = update(job.getJobId(), en, JobStates.merge(en.job, job));
        if (watcher != null) watch(en, watcher);
        if (replyTo != null) replyTo.tell(changed ? Optional.of(en.job) : Optional.empty());
    }

    /** Tells {@code l} the job's state now and, unless it is final, at every change. */
    private void watch(Entry en, JobListener l) {
        if (notify(l, en.job) && !JobStates.terminal(en.job.getStatus())) en.listeners.add(l);
    }

    /**
     * Adopts {@code next} as the job's state; returns whether it differs from the current one. Listeners hear of
     * every change; a final state drops them, the job's deadline, and starts its retention.
     */
    private boolean update(String jobId, Entry en, Job next) {
        if (next.equals(en.job)) return false;
        queued.change(en.job, next);
        unfinished.change(en.job, next);
        usage.change(en.job, next);
        en.job = next;
        boolean done = JobStates.terminal(next.getStatus());
        if (!done && en.dueAt < 0 && next.hasDeadline()) {
            en.dueAt = Timestamps.toMillis(next.getDeadline());
            due.add(new Due(en.dueAt, jobId));
            if (en.dueAt < deadlineArmedFor) armDeadline(en.dueAt);
        }
        en.listeners.removeIf(l -> !notify(l, next));
        if (done && en.finishedAt < 0) {
            en.listeners.clear();
            if (en.dueAt >= 0) { due.remove(new Due(en.dueAt, jobId)); en.dueAt = -1; }
            en.finishedAt = clock.millis();
            if (finished.isEmpty()) timers.startTimerWithFixedDelay(Tick.SWEEP, Tick.SWEEP, sweepEvery);
            finished.addLast(new Finished(en.finishedAt, jobId));
        }
        return true;
    }

    /**
     * Calls a listener; one that throws (say, a gRPC stream already closed) is dropped and logged instead of taking
     * the tracker — every job's state — down with it. Returns false if it threw.
     */
    private static boolean notify(JobListener l, Job job) {
        try {
            l.onUpdate(job);
            return true;
        } catch (RuntimeException e) {
            log.warn("listener of job {} failed, dropped: {}", job.getJobId(), e.toString());
            return false;
        }
    }

    /** Expires every unfinished job whose deadline has passed, publishes it, and re-arms for the next deadline. */
    private void expireDue() {
        deadlineArmedFor = Long.MAX_VALUE;
        long now = clock.millis();
        while (!due.isEmpty() && due.first().at() <= now) {
            Due d = due.pollFirst();
            Entry en = jobs.get(d.jobId());
            if (en == null || en.dueAt != d.at()) continue;
            en.dueAt = -1;
            update(d.jobId(), en, finish(en.job, JobStatus.JOB_STATUS_EXPIRED, Status.Code.DEADLINE_EXCEEDED, "job " + d.jobId()
                    + ": deadline " + Timestamps.toString(en.job.getDeadline()) + " passed before it was proved; dropped"));
            publisher.accept(en.job);
        }
        if (!due.isEmpty()) armDeadline(due.first().at());
    }

    private void armDeadline(long at) {
        deadlineArmedFor = at;
        timers.startSingleTimer(Tick.DEADLINES, Tick.DEADLINES, Duration.ofMillis(Math.max(0, at - clock.millis())));
    }

    /**
     * Forgets jobs finished at least retainFinished ago, releasing their idempotency keys. A finished job has no
     * listeners to keep it: each was told the final state and dropped, and a later Watch is answered the same way.
     */
    private void sweep() {
        long cutoff = clock.millis() - retainMillis;
        while (!finished.isEmpty() && finished.peekFirst().at() <= cutoff) {
            Finished f = finished.pollFirst();
            Entry en = jobs.get(f.jobId());
            if (en == null) forgotten.remove(f.jobId(), f.at());
            if (en == null || en.finishedAt != f.at()) continue;
            jobs.remove(f.jobId());
            release(en.key, f.jobId());
        }
        if (finished.isEmpty()) timers.cancel(Tick.SWEEP);
    }

    private Job finish(Job job, JobStatus status, Status.Code code, String message) {
        return job.toBuilder().setStatus(status).clearResult()
                .setError(JobError.newBuilder().setCode(code.value()).setMessage(message))
                .setFinishedAt(Timestamps.fromMillis(clock.millis())).build();
    }

    /**
     * Forgets a job whose record the log never took ({@link Forget}); a job finished meanwhile (a worker it was
     * offered to reported it first) is forgotten too: nobody was given its id.
     */
    private void forget(String jobId) {
        Entry en = jobs.remove(jobId);
        if (en == null) return;
        queued.change(en.job, null);
        unfinished.change(en.job, null);
        release(en.key, jobId);
        if (en.dueAt >= 0) due.remove(new Due(en.dueAt, jobId));
        en.listeners.clear();
        // its later reports are dropped until the sweep forgets the id too, retainFinished from now
        long now = clock.millis();
        forgotten.put(jobId, now);
        if (finished.isEmpty()) timers.startTimerWithFixedDelay(Tick.SWEEP, Tick.SWEEP, sweepEvery);
        finished.addLast(new Finished(now, jobId));
    }

    /**
     * Claims {@code job}'s idempotency key for it unless another job holds it; returns the holder. Keys are the
     * tenant's own: two tenants' jobs under one key string are two keys.
     */
    private Holder reserve(Job job) {
        String key = job.getTenant() + "/" + job.getIdempotencyKey(); // a tenant name has no '/'
        Holder holder = idempotency.computeIfAbsent(key, k -> new Holder(job.getJobId(), job.getRequestDigest()));
        if (holder.jobId().equals(job.getJobId())) entry(job.getJobId()).key = key;
        return holder;
    }

    /** The job's entry if it exists and belongs to {@code tenant} (null: any tenant). */
    private Entry visible(String jobId, String tenant) {
        Entry en = jobs.get(jobId);
        return en == null || en.job == null || (tenant != null && !tenant.equals(en.job.getTenant())) ? null : en;
    }

    /** Frees {@code key} (may be null) if {@code jobId} holds it. */
    private void release(String key, String jobId) {
        if (key != null) idempotency.computeIfPresent(key, (k, h) -> h.jobId().equals(jobId) ? null : h);
    }

    private Entry entry(String jobId) {
        return jobs.computeIfAbsent(jobId, id -> new Entry());
    }
}
