package org.ppfarm.coordinator.jobs;

import org.ppfarm.proto.v1.Job;

/**
 * Receives a job's state now and at every change, from the job's actor: calls for one job never overlap, and the
 * last call carries a terminal state. Implementations must not block.
 */
@FunctionalInterface
public interface JobListener {
    void onUpdate(Job job);
}
