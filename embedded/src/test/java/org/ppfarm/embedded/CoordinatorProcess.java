package org.ppfarm.embedded;

import org.ppfarm.coordinator.Coordinator;
import org.ppfarm.coordinator.config.CoordinatorConfig;
import org.ppfarm.coordinator.inputs.PoolProtocolInputs;
import org.ppfarm.farm.config.FarmConfigs;

import java.util.List;

/**
 * A coordinator as its own process ({@link ChildJvm}), built from {@code key=value} arguments as {@code ppfarm
 * coordinator} builds it (the cli module, which this one cannot depend on). Prints {@code coordinator ID ready grpc=P
 * artifacts=P cluster=ADDRESS}, then runs until the process is killed.
 */
public final class CoordinatorProcess {
    private CoordinatorProcess() {}

    public static void main(String[] args) throws Exception {
        Coordinator c = Coordinator.start(new CoordinatorConfig(FarmConfigs.load(List.of(args))), PoolProtocolInputs.INSTANCE);
        System.out.println("coordinator " + c.id() + " ready grpc=" + c.port() + " artifacts=" + c.artifactsPort() + " cluster=" + c.clusterAddress());
        Thread.currentThread().join(); // until killed
    }
}
