package org.ppfarm.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.ppfarm.prover.groth16.PreparedVerifyingKey;
import org.ppfarm.prover.groth16.Proof;
import org.ppfarm.prover.groth16.PublicSignals;
import org.ppfarm.prover.groth16.VerificationKey;
import org.ppfarm.prover.groth16.Verifier;

/**
 * Times verification: {@code scripts/bench.sh VerifierBench <verification_key.json> <public.json> <proof.json>
 * [runs]}. After as many warm-up runs, prints median/p10/min of wall time and of this thread's CPU
 * time for the prepared-key check alone, and for parse proof.json + check (the proof's G2 subgroup test included;
 * key preparation excluded). On a loaded machine the CPU-time figures are the meaningful ones: wall time then
 * mostly measures waiting for a core.
 */
public final class VerifierBench {
    private VerifierBench() {}

    public static void main(String[] args) throws IOException {
        VerificationKey vk = VerificationKey.readJson(Path.of(args[0]));
        PublicSignals pub = PublicSignals.readJson(Path.of(args[1]));
        String proofText = Files.readString(Path.of(args[2]));
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 500;
        PreparedVerifyingKey pvk = PreparedVerifyingKey.of(vk);
        Proof proof = Proof.parseJson(proofText, args[2]);
        for (int i = 0; i < runs; i++) if (!Verifier.verify(pvk, pub, proof)) throw new IllegalStateException("proof does not verify");
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] wall = new long[runs], cpu = new long[runs], wallParse = new long[runs], cpuParse = new long[runs];
        for (int i = 0; i < runs; i++) {
            long w0 = System.nanoTime(), c0 = mx.getCurrentThreadCpuTime();
            Verifier.verify(pvk, pub, proof);
            long w1 = System.nanoTime(), c1 = mx.getCurrentThreadCpuTime();
            Verifier.verify(pvk, pub, Proof.parseJson(proofText, args[2]));
            long w2 = System.nanoTime(), c2 = mx.getCurrentThreadCpuTime();
            wall[i] = w1 - w0; cpu[i] = c1 - c0; wallParse[i] = w2 - w1; cpuParse[i] = c2 - c1;
        }
        print("verify (prepared key), wall", wall);
        print("verify (prepared key), cpu ", cpu);
        print("parse proof.json + verify, wall", wallParse);
        print("parse proof.json + verify, cpu ", cpuParse);
    }

    private static void print(String what, long[] ns) {
        Arrays.sort(ns);
        System.out.printf("%s: median %.3f ms (p10 %.3f, min %.3f, %d runs)%n", what, ns[ns.length / 2] / 1e6,
                ns[ns.length / 10] / 1e6, ns[0] / 1e6, ns.length);
    }
}
