package org.ppfarm.prover.msm;

import java.util.Arrays;
import org.ppfarm.prover.bn254.Curve;

/**
 * The buckets of one Pippenger window: {@link #add} drops a base point (or its negation) into bucket b, which
 * stands for the digit b + 1; {@link #sumInto} returns sum_b (b + 1) * bucket_b by the running-sum trick
 * (2 additions per bucket instead of a multiplication each).
 *
 * <p>Two implementations: {@link Jacobian} (one mixed addition per point, no bookkeeping: for small windows) and
 * {@link AffineBatch} (affine buckets updated in batches that share one field inversion: the fast one for large
 * windows). Not thread-safe; a worker thread reuses its instances across windows via {@link #reset}.
 */
abstract sealed class Buckets permits Buckets.Jacobian, Buckets.AffineBatch {
    final Curve curve;
    final int count;
    /** The base points (immutable while in use) that {@link #add} takes offsets into. */
    long[] bases;
    /** Buckets in use since the last reset: [0, active), at most {@link #count}. */
    int active;

    Buckets(Curve curve, int count) {
        this.curve = curve;
        this.count = count;
    }

    /** Empties every bucket; later adds read their points from {@code bases}. */
    final void reset(long[] bases) { reset(bases, count); }

    /**
     * Empties buckets [0, active) and uses only those until the next reset (a fixed-base MSM gives each thread a
     * range of buckets whose size varies between MSMs, and reuses one instance sized for the largest).
     */
    abstract void reset(long[] bases, int active);

    /** bucket[b] += (neg ? -P : P) where P is the affine point at {@code bases[offset]} (not infinity). */
    abstract void add(int b, int offset, boolean neg);

    /** Writes the Jacobian sum_b (b + 1) * bucket_b into {@code out[oi]}. */
    final void sumInto(long[] out, int oi) { sumInto(out, oi, null, 0); }

    /**
     * Writes the Jacobian sum_b (b + 1) * bucket_b into {@code out[oi]} and, when {@code plain} is not null, the
     * plain sum_b bucket_b (the last running sum, free) into {@code plain[pi]}: a range of buckets standing for
     * digits o + 1, o + 2, ... then weighs out + o * plain.
     */
    abstract void sumInto(long[] out, int oi, long[] plain, int pi);

    /** Buckets as Jacobian points, each point added with madd-2007-bl (7M + 4S for G1). */
    static final class Jacobian extends Buckets {
        private final long[] buckets;
        private final long[] negated;
        private final long[] running, total;

        Jacobian(Curve curve, int count) {
            super(curve, count);
            buckets = new long[count * curve.jacobianLongs];
            negated = new long[curve.affineLongs];
            running = new long[curve.jacobianLongs];
            total = new long[curve.jacobianLongs];
        }

        @Override void reset(long[] bases, int active) {
            this.bases = bases;
            this.active = Math.min(active, count);
            Arrays.fill(buckets, 0, this.active * curve.jacobianLongs, 0L);
        }

        @Override void add(int b, int offset, boolean neg) {
            Curve c = curve;
            int bo = b * c.jacobianLongs;
            if (neg) {
                c.negAffine(bases, offset, negated, 0);
                c.addMixed(buckets, bo, negated, 0, buckets, bo);
            } else {
                c.addMixed(buckets, bo, bases, offset, buckets, bo);
            }
        }

        @Override void sumInto(long[] out, int oi, long[] plain, int pi) {
            Curve c = curve;
            c.setInfinity(running, 0);
            c.setInfinity(total, 0);
            for (int b = active - 1; b >= 0; b--) {
                c.add(running, 0, buckets, b * c.jacobianLongs, running, 0);
                c.add(total, 0, running, 0, total, 0);
            }
            System.arraycopy(total, 0, out, oi, c.jacobianLongs);
            if (plain != null) System.arraycopy(running, 0, plain, pi, c.jacobianLongs);
        }
    }

    /**
     * Affine buckets updated in batches (gnark-crypto's "batch affine" MSM): an affine addition costs
     * 1I + 2M + 1S, and Montgomery's trick turns the batch's inversions into one inversion plus 3M each, so a
     * point costs about 6M instead of the 11M of a mixed Jacobian addition.
     *
     * <p>A bucket may appear only once per batch (its new value depends on the previous one); a point whose bucket is
     * already pending waits in a queue that is drained into the next batch. Empty buckets take the point directly.
     * x-coordinate collisions (P == bucket: doubling, P == -bucket: infinity) are rare and handled one by one.
     * Queue entries are offsets into {@link #bases} plus a sign, so no point is ever copied.
     *
     * <p>Skewed digits (many equal scalars, a hot bucket) would fill the queue with points of a few buckets, and
     * every batch applied to drain it would hold a few points for a whole inversion: equal scalars made a 2^14 MSM
     * 40× slower. So when the queue is full and the batch is not at least half full, a point for a pending bucket
     * goes into that bucket's Jacobian overflow instead (a mixed addition, ~11M), and so does the tail of the queue
     * once it no longer fills batches; the reduction adds the overflow to its bucket.
     */
    static final class AffineBatch extends Buckets {
        private final int e, al;
        private final long[] buckets;
        /** stamp[b] == epoch when bucket b is in the current batch. */
        private final int[] stamp;
        private int epoch = 1;
        private final int batchMax, queueMax;
        private final int[] batchBucket, batchSrc;     // src = offset << 1 | neg
        private int batchCount;
        private final long[] den, prefix, lambda, tmp, collisionTmp;
        private int[] queueBucket, queueSrc, spareBucket, spareSrc;
        private int queueCount;
        private final long[] running, total;
        /** Jacobian overflow per bucket, allocated on first use; overflowUsed says whether any bucket has one. */
        private long[] overflow;
        private boolean overflowUsed;

        AffineBatch(Curve curve, int count, int batchMax) {
            super(curve, count);
            e = curve.e;
            al = curve.affineLongs;
            buckets = new long[count * al];
            stamp = new int[count];
            this.batchMax = batchMax;
            this.queueMax = batchMax;
            batchBucket = new int[batchMax];
            batchSrc = new int[batchMax];
            den = new long[batchMax * e];
            prefix = new long[batchMax * e];
            lambda = new long[2 * e];
            tmp = new long[3 * e];
            collisionTmp = new long[3 * e];
            queueBucket = new int[queueMax];
            queueSrc = new int[queueMax];
            spareBucket = new int[queueMax];
            spareSrc = new int[queueMax];
            running = new long[curve.jacobianLongs];
            total = new long[curve.jacobianLongs];
        }

        @Override void reset(long[] bases, int active) {
            if (bases.length >= (1 << 30)) throw new IllegalArgumentException("base array too large for batch offsets");
            this.bases = bases;
            this.active = Math.min(active, count);
            Arrays.fill(buckets, 0, this.active * al, 0L);
            Arrays.fill(stamp, 0);
            epoch = 1;
            batchCount = 0;
            queueCount = 0;
            if (overflowUsed) Arrays.fill(overflow, 0L);
            overflowUsed = false;
        }

        @Override void add(int b, int offset, boolean neg) {
            int src = offset << 1 | (neg ? 1 : 0);
            if (stamp[b] == epoch) {
                if (queueCount == queueMax) {
                    if (batchCount < batchMax / 2) {   // the queue is a conflict pile-up: do not drain it batch by batch
                        overflowAdd(b, src);
                        return;
                    }
                    flush();
                    if (queueCount == queueMax && stamp[b] == epoch) {
                        overflowAdd(b, src);
                        return;
                    }
                }
                if (stamp[b] == epoch) {
                    queueBucket[queueCount] = b;
                    queueSrc[queueCount++] = src;
                    return;
                }
            }
            insert(b, src);
            if (batchCount == batchMax) flush();
        }

        /** overflow[b] += ±P (Jacobian, mixed addition). */
        private void overflowAdd(int b, int src) {
            int jl = curve.jacobianLongs;
            if (overflow == null) overflow = new long[count * jl];
            overflowUsed = true;
            if ((src & 1) != 0) curve.subMixed(overflow, b * jl, bases, src >>> 1, overflow, b * jl);
            else curve.addMixed(overflow, b * jl, bases, src >>> 1, overflow, b * jl);
        }

        /** Precondition: bucket b is not in the current batch. The caller applies the batch when it is full. */
        private void insert(int b, int src) {
            int bo = b * al;
            if (isEmpty(bo)) {
                Curve c = curve;
                int off = src >>> 1;
                c.fcopy(bases, off, buckets, bo);
                if ((src & 1) != 0) c.fneg(bases, off + e, buckets, bo + e);
                else c.fcopy(bases, off + e, buckets, bo + e);
                return;
            }
            stamp[b] = epoch;
            batchBucket[batchCount] = b;
            batchSrc[batchCount++] = src;
        }

        private boolean isEmpty(int bo) {
            long[] bk = buckets;
            long acc = 0;
            for (int i = 0; i < al; i++) acc |= bk[bo + i];
            return acc == 0;
        }

        /** Applies the batch, then moves queued points whose bucket is free into the fresh batch. */
        private void flush() {
            applyBatch();
            int m = queueCount;
            int[] qb = queueBucket, qs = queueSrc;
            queueBucket = spareBucket; queueSrc = spareSrc;
            spareBucket = qb; spareSrc = qs;
            queueCount = 0;
            for (int j = 0; j < m; j++) {
                int b = qb[j];
                if (stamp[b] == epoch) {
                    queueBucket[queueCount] = b;
                    queueSrc[queueCount++] = qs[j];
                } else {
                    insert(b, qs[j]);
                    if (batchCount == batchMax) applyBatch();   // later entries then see a fresh epoch
                }
            }
        }

        /** bucket += P for every pending pair, with one inversion for all the (x_P - x_bucket). */
        private void applyBatch() {
            final int n = batchCount;
            final Curve c = curve;
            final int e = this.e;
            final long[] bases = this.bases, buckets = this.buckets, den = this.den, prefix = this.prefix;
            final long[] acc = tmp;   // slots: acc at 0, scratch at e, 2e
            c.fsetOne(acc, 0);
            for (int k = 0; k < n; k++) {
                int bo = batchBucket[k] * al, po = batchSrc[k] >>> 1;
                c.fsub(bases, po, buckets, bo, den, k * e);
                c.fcopy(acc, 0, prefix, k * e);
                if (!c.fisZero(den, k * e)) c.fmul(acc, 0, den, k * e, acc, 0);
            }
            if (n > 0) c.finverse(acc, 0, acc, 0);
            final long[] lam = lambda;
            for (int k = n - 1; k >= 0; k--) {
                int bo = batchBucket[k] * al, src = batchSrc[k], po = src >>> 1;
                int dk = k * e;
                if (c.fisZero(den, dk)) { collision(bo, po, (src & 1) != 0); continue; }
                c.fmul(acc, 0, prefix, dk, lam, e);            // 1 / den_k
                c.fmul(acc, 0, den, dk, acc, 0);               // drop den_k from the running inverse
                // λ = (y_P - y_B) / (x_P - x_B), with y_P negated for a negative digit
                if ((src & 1) != 0) {
                    c.fadd(bases, po + e, buckets, bo + e, lam, 0);
                    c.fneg(lam, 0, lam, 0);
                } else {
                    c.fsub(bases, po + e, buckets, bo + e, lam, 0);
                }
                c.fmul(lam, 0, lam, e, lam, 0);
                // x3 = λ^2 - x_B - x_P ; y3 = λ (x_B - x3) - y_B
                c.fsquare(lam, 0, tmp, e);
                c.fsub(tmp, e, buckets, bo, tmp, e);
                c.fsub(tmp, e, bases, po, tmp, e);
                c.fsub(buckets, bo, tmp, e, tmp, 2 * e);
                c.fmul(lam, 0, tmp, 2 * e, tmp, 2 * e);
                c.fsub(tmp, 2 * e, buckets, bo + e, buckets, bo + e);
                c.fcopy(tmp, e, buckets, bo);
            }
            batchCount = 0;
            epoch++;
        }

        /** bucket (at bo) += ±P where x_P == x_bucket: a doubling or a cancellation. */
        private void collision(int bo, int po, boolean neg) {
            Curve c = curve;
            long[] t = collisionTmp;
            if (neg) c.fneg(bases, po + e, t, 0); else c.fcopy(bases, po + e, t, 0);
            if (!c.fequal(t, 0, buckets, bo + e)) {          // P == -bucket
                Arrays.fill(buckets, bo, bo + al, 0L);
                return;
            }
            // doubling: λ = 3x^2 / 2y (y != 0: no 2-torsion in a group of odd order)
            c.fdbl(buckets, bo + e, t, 0);
            c.finverse(t, 0, t, 0);
            c.fsquare(buckets, bo, t, e);
            c.fdbl(t, e, t, 2 * e);
            c.fadd(t, 2 * e, t, e, t, e);
            c.fmul(t, 0, t, e, t, 0);                        // λ
            c.fsquare(t, 0, t, e);
            c.fsub(t, e, buckets, bo, t, e);
            c.fsub(t, e, buckets, bo, t, e);                 // x3 = λ^2 - 2x
            c.fsub(buckets, bo, t, e, t, 2 * e);
            c.fmul(t, 0, t, 2 * e, t, 2 * e);
            c.fsub(t, 2 * e, buckets, bo + e, buckets, bo + e); // y3 = λ (x - x3) - y
            c.fcopy(t, e, buckets, bo);
        }

        @Override void sumInto(long[] out, int oi, long[] plain, int pi) {
            while (batchCount > 0 || queueCount > 0) {
                // a queue that would only trickle into near-empty batches goes to the overflow instead
                if (batchCount < 32 && queueCount > 2 * batchCount) {
                    for (int j = 0; j < queueCount; j++) overflowAdd(queueBucket[j], queueSrc[j]);
                    queueCount = 0;
                }
                flush();
            }
            Curve c = curve;
            int jl = c.jacobianLongs;
            c.setInfinity(running, 0);
            c.setInfinity(total, 0);
            for (int b = active - 1; b >= 0; b--) {
                c.addMixed(running, 0, buckets, b * al, running, 0);
                if (overflowUsed && !c.isInfinity(overflow, b * jl)) c.add(running, 0, overflow, b * jl, running, 0);
                c.add(total, 0, running, 0, total, 0);
            }
            System.arraycopy(total, 0, out, oi, c.jacobianLongs);
            if (plain != null) System.arraycopy(running, 0, plain, pi, c.jacobianLongs);
        }
    }
}
