package org.ppfarm.coordinator.grpc;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import org.ppfarm.coordinator.jobs.SubmitterFixture;
import org.ppfarm.coordinator.jobs.UnfinishedJobs;
import org.ppfarm.coordinator.jobs.UsageLedger;
import org.ppfarm.coordinator.tenants.Quotas;
import org.ppfarm.coordinator.tenants.TenantDirectory;
import org.ppfarm.proto.v1.ProverGrpc;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** The real {@link ProverService} over a {@link SubmitterFixture}, served on grpc-java's in-process transport. */
final class InProcessProver implements AutoCloseable {
    final SubmitterFixture core;
    final Server server;
    final ManagedChannel channel;
    final ProverGrpc.ProverBlockingStub stub;

    InProcessProver(SubmitterFixture core) throws IOException {
        this(core, new TenantDirectory());
    }

    /** With {@code tenants} as the tenants the service knows (webhook allowlists, usage rights). */
    InProcessProver(SubmitterFixture core, TenantDirectory tenants) throws IOException {
        this.core = core;
        String name = InProcessServerBuilder.generateName();
        this.server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(new ProverService(core.submitter, core.registry, core.blocking, new Quotas(System::nanoTime, System::currentTimeMillis, new UnfinishedJobs()),
                        new UsageLedger(), tenants)).build().start();
        this.channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        this.stub = ProverGrpc.newBlockingStub(channel);
    }

    /** Closes the channel, the server and the fixture. */
    @Override
    public void close() throws Exception {
        channel.shutdownNow();
        server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        core.close();
    }
}
