package org.ppfarm.coordinator.jobs;

import org.ppfarm.proto.v1.JobOffer;

/**
 * The workers a new job can be handed to directly when one is idle (docs/farm.md, "Job offers"): the
 * {@link JobSubmitter} claims one, writes the job's record to the partition the claim names, and tells the worker
 * the offer. The cluster's {@code cluster.WorkerDirectory} is the production one. Thread-safe.
 */
public interface JobOffers {

    /** An idle worker owning a partition of a jobs topic, counted busy from the claim on. */
    interface Claim {
        /** The partition of the topic claimed for that the worker owns: the job's record goes there. */
        int partition();

        /** Tells the worker the job; it proves it and settles the record's Kafka copy. */
        void offer(JobOffer offer);
    }

    /** An idle worker owning a partition of {@code topic}, now counted busy; null if there is none. */
    Claim claim(String topic);
}
