package org.ppfarm.cli;

import com.google.protobuf.ByteString;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.ppfarm.client.FarmClient;
import org.ppfarm.loadtest.workload.PoolSimulation;
import org.ppfarm.prover.PpfarmException;
import org.ppfarm.prover.groth16.Proof;
import org.ppfarm.prover.groth16.PublicSignals;
import org.ppfarm.prover.groth16.VerificationKey;
import org.ppfarm.prover.groth16.Verifier;
import org.ppfarm.proto.v1.CircuitRef;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobStatus;
import org.ppfarm.proto.v1.SubmitRequest;
import org.ppfarm.embedded.EmbeddedFarm;
import org.ppfarm.worker.pipeline.EnginePipeline;
import org.ppfarm.embedded.ProductionCircuits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ppfarm demo}: the farm end to end on one machine. Starts the embedded farm (KRaft broker, coordinator, CPU
 * worker, the production 0xbow circuits fetched and hash-checked), simulates a privacy pool — a few deposits, an ASP
 * set approving them, and a partial withdrawal of one note with a fresh change note — submits that withdrawal as a
 * withdraw request over gRPC, follows the job, prints the verified proof, and shuts the farm down.
 *
 * <p>The note's and the change note's nullifiers and secrets are drawn from {@link SecureRandom}, exist only in this
 * process (sealed before they reach Kafka), are never printed, and the request buffer is wiped once submitted.
 * Progress goes to stderr; the result (proof, public signals, calldata, timings) to stdout.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Starts the embedded farm, proves a sample privacy-pool withdrawal through it over gRPC,",
                "prints the verified proof (proof.json, public signals, calldata, stage timings, worker, backend), and stops."})
final class DemoCommand implements Callable<Integer> {
    private static final BigInteger ETHER = BigInteger.TEN.pow(18);

    @Spec CommandSpec spec;
    @Option(names = "--port", defaultValue = "0", description = "gRPC port of the embedded farm (default: any free port).") int port;
    @Option(names = "--deposits", defaultValue = "5", description = "Deposits in the simulated pool (default ${DEFAULT-VALUE}).") int deposits;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        if (deposits < 1 || deposits > 1000) throw new PpfarmException("--deposits: must be 1 to 1000, not " + deposits);
        SecureRandom rnd = new SecureRandom();
        err.println("ppfarm demo: starting the embedded farm (Kafka KRaft broker, coordinator, CPU worker; 0xbow circuits fetched and SHA-256-checked)");
        err.flush();
        long t0 = System.nanoTime();
        // one proof per key: the worker's background build of the CPU MSM's fixed-base tables (~22 s of CPU for
        // withdraw, worth it from a few dozen proofs on) would only compete with it, so the demo's engine has none
        try (EmbeddedFarm farm = EmbeddedFarm.start(new EmbeddedFarm.Options(port, null, null,
                new EnginePipeline.Factory(EnginePipeline.Options.withoutTables()), 1, EmbeddedFarm.Options.defaults().protocolInputs()));
             FarmClient client = FarmClient.connect(farm.address())) {
            err.printf("ppfarm demo: farm ready on %s (%.1f s)%n", farm.address(), (System.nanoTime() - t0) / 1e9);

            // a simulated pool (deposits, an ASP set approving them) and a relayed partial withdrawal of one deposit
            PoolSimulation.Withdrawal w = PoolSimulation.withdrawal(rnd, deposits);
            err.printf("ppfarm demo: simulated pool with %d deposits and an ASP set of %d labels; withdrawing %s of deposit #%d's %s wei%n",
                    w.deposits(), w.deposits(), w.withdrawn(), w.index() + 1, w.value());

            byte[] request = w.request();
            List<BigInteger> expected = w.publicSignals();
            String jobId;
            try {
                jobId = client.submit(SubmitRequest.newBuilder().setCircuit(CircuitRef.newBuilder().setName("withdraw"))
                        .setWithdrawRequestJsonBytes(ByteString.copyFrom(request)).build()).getJobId();
            } finally {
                Arrays.fill(request, (byte) 0);
            }
            err.println("ppfarm demo: submitted withdraw request as job " + jobId);
            err.flush();
            try (var states = client.watch(jobId)) {
                states.forEach(j -> { err.println("ppfarm demo: job " + jobId + " " + j.getStatus().name().substring("JOB_STATUS_".length())); err.flush(); });
            }
            Job job = client.get(jobId);
            if (job.getStatus() != JobStatus.JOB_STATUS_SUCCEEDED)
                throw new IllegalStateException("job " + jobId + " ended " + job.getStatus() + ": " + job.getError().getMessage());

            // the farm verified it; check again here against the pinned withdraw.vkey and the signals the request implies
            var res = job.getResult();
            Proof proof = Proof.parseJson(res.getProofJson(), "proof");
            PublicSignals pub = PublicSignals.parseJson(res.getPublicJson(), "public");
            VerificationKey vk = VerificationKey.readJson(ProductionCircuits.locate(null).resolve("withdraw.vkey"));
            boolean valid = Verifier.verify(vk, pub, proof);
            List<BigInteger> got = new ArrayList<>();
            for (int i = 0; i < pub.size(); i++) got.add(pub.get(i));
            if (!valid || !got.equals(expected))
                throw new IllegalStateException("job " + jobId + ": the returned proof does not verify for this withdrawal");

            var t = res.getTimings();
            out.println("proof.json:");
            out.println(res.getProofJson().strip());
            out.println("public.json (newCommitmentHash, existingNullifierHash, withdrawnValue, stateRoot, stateTreeDepth, ASPRoot, ASPTreeDepth, context):");
            out.println(res.getPublicJson().strip());
            out.println("calldata:");
            out.println(res.getSolidityCalldata().strip());
            out.printf("timings: queued %.1f ms, witness %.1f ms, wait for a proving slot %.1f ms, prove %.1f ms, verify %.1f ms%n",
                    t.getQueuedMicros() / 1e3, t.getWitnessMicros() / 1e3, t.getProveWaitMicros() / 1e3, t.getProveMicros() / 1e3,
                    t.getVerifyMicros() / 1e3);
            out.println("proved by: worker " + res.getWorkerId() + ", backend " + res.getBackend());
            out.println("verified: yes (ppfarm verifier, withdraw.vkey of @0xbow/privacy-pools-core-sdk " + ProductionCircuits.VERSION
                    + "; public signals match the withdrawal)");
            out.flush();
            err.println("ppfarm demo: shutting the farm down");
            err.flush();
        }
        return Ppfarm.OK;
    }
}
