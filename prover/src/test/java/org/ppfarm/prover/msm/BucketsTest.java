package org.ppfarm.prover.msm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ppfarm.prover.bn254.Curve;
import org.ppfarm.prover.bn254.G1;
import org.ppfarm.prover.bn254.G2;

/**
 * The batch-affine buckets against the plain Jacobian ones, with a tiny batch and few buckets so that the
 * pending-queue, queue overflow, doubling and cancellation paths all run many times.
 */
class BucketsTest {
    static Stream<Curve> curves() { return Stream.of(new G1(), new G2()); }

    @ParameterizedTest @MethodSource("curves")
    void affineBatchesAgreeWithJacobianBuckets(Curve c) {
        SplittableRandom rnd = new SplittableRandom(9);
        // 6 distinct points, so buckets keep meeting equal and opposite points
        int distinct = 6;
        long[] pts = new long[distinct * c.affineLongs];
        long[] j = new long[c.jacobianLongs];
        for (int i = 0; i < distinct; i++) {
            c.scalarMul(c.jacobianOf(c.generator()), 0, BigInteger.valueOf(1 + rnd.nextInt(1000)), j, 0);
            c.toAffine(j, 0, pts, i * c.affineLongs);
        }
        for (int batch : new int[] {1, 2, 4, 16}) {
            for (int buckets : new int[] {1, 3, 8}) {
                Buckets.AffineBatch affine = new Buckets.AffineBatch(c, buckets, batch);
                Buckets.Jacobian jac = new Buckets.Jacobian(c, buckets);
                for (int round = 0; round < 2; round++) {   // reuse after reset
                    affine.reset(pts);
                    jac.reset(pts);
                    for (int i = 0; i < 300; i++) {
                        int b = rnd.nextInt(buckets), off = rnd.nextInt(distinct) * c.affineLongs;
                        boolean neg = rnd.nextBoolean();
                        affine.add(b, off, neg);
                        jac.add(b, off, neg);
                    }
                    long[] x = new long[c.jacobianLongs], y = new long[c.jacobianLongs];
                    affine.sumInto(x, 0);
                    jac.sumInto(y, 0);
                    assertTrue(c.equal(x, 0, y, 0), "batch " + batch + ", buckets " + buckets);
                }
            }
        }
    }
}
