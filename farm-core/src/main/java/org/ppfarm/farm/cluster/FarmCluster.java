package org.ppfarm.farm.cluster;

import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.ppfarm.proto.v1.WorkerState;

/**
 * The farm's protocol over its Pekko cluster (docs/farm.md, "Job offers" and "Result notices"), as far as both kinds of
 * node must agree on it. The messages are protobuf ({@code farm.proto}): a worker tells its {@link WorkerState} to
 * every coordinator registered under {@link #WORKER_STATES}; a coordinator tells a {@code JobOffer} to the offer inbox
 * a worker's state names; a worker tells a job's terminal {@code JobEvent} to the result inbox its job record names.
 * Node roles are {@link #COORDINATOR} and {@link #WORKER}.
 */
public final class FarmCluster {
    private FarmCluster() {}

    /** The receptionist key coordinators register their worker-state receivers under; workers find them by it. */
    public static final ServiceKey<WorkerState> WORKER_STATES = ServiceKey.create(WorkerState.class, "ppfarm-worker-states");

    /** The role of a coordinator's cluster node. */
    public static final String COORDINATOR = "coordinator";

    /** The role of a worker's cluster node. */
    public static final String WORKER = "worker";
}
