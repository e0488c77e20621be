package org.ppfarm.prover.groth16;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Times verification (a benchmark, not a test): {@code VerifierBench <verification_key.json> <public.json>
 * <proof.json> [runs]}. Prints the median, min and max of warm runs for the prepared-key check alone and for
 * the whole path from parsed JSON (proof validation with the G2 subgroup check, key preparation excluded).
 */
public final class VerifierBench {
    public static void main(String[] args) {
        VerificationKey vk = VerificationKey.readJson(Path.of(args[0]));
        PublicSignals pub = PublicSignals.readJson(Path.of(args[1]));
        String proofText = SnarkjsJson.readFile(Path.of(args[2]));
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 200;
        PreparedVerifyingKey pvk = PreparedVerifyingKey.of(vk);
        Proof proof = Proof.parseJson(proofText, args[2]);
        for (int i = 0; i < runs; i++) if (!Verifier.verify(pvk, pub, proof)) throw new IllegalStateException("proof does not verify");
        long[] verify = new long[runs], withParse = new long[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            Verifier.verify(pvk, pub, proof);
            long t1 = System.nanoTime();
            Verifier.verify(pvk, pub, Proof.parseJson(proofText, args[2]));
            long t2 = System.nanoTime();
            verify[i] = t1 - t0;
            withParse[i] = t2 - t1;
        }
        print("verify (prepared key)", verify);
        print("parse proof.json + verify", withParse);
    }

    private static void print(String what, long[] ns) {
        Arrays.sort(ns);
        System.out.printf("%s: median %.3f ms (min %.3f, max %.3f, %d runs)%n", what, ns[ns.length / 2] / 1e6, ns[0] / 1e6,
                ns[ns.length - 1] / 1e6, ns.length);
    }
}
