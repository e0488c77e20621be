package org.ppfarm.bench;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.ppfarm.privacypool.eth.Address;
import org.ppfarm.privacypool.hash.Poseidon;
import org.ppfarm.privacypool.protocol.FieldValues;
import org.ppfarm.privacypool.protocol.Note;
import org.ppfarm.privacypool.protocol.NoteSecrets;
import org.ppfarm.privacypool.protocol.PoolProtocol;
import org.ppfarm.privacypool.protocol.WithdrawInputs;
import org.ppfarm.privacypool.protocol.Withdrawal;
import org.ppfarm.privacypool.request.PoolInputs;
import org.ppfarm.privacypool.tree.LeanIMT;
import org.ppfarm.prover.bn254.Field;

/**
 * Benchmarks of the privacy-pool library (single thread): Poseidon(1..3) hashes per second on the allocation-free
 * path, and the time to build withdraw inputs for a note in a 100,000-leaf state tree — the trees from leaves, the
 * checks and proofs alone on built trees, and the whole {@code ppfarm inputs withdraw} path from request JSON.
 * Usage: {@code scripts/bench.sh PrivacyPoolBench [stateLeaves] [aspLeaves] [seconds per Poseidon run]}.
 */
public final class PrivacyPoolBench {
    private PrivacyPoolBench() {}

    public static void main(String[] args) {
        int stateLeaves = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int aspLeaves = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 3;
        System.out.printf(Locale.ROOT, "java %s, %d cores%n", Runtime.version(), Runtime.getRuntime().availableProcessors());
        for (int inputs = 1; inputs <= 3; inputs++) poseidon(inputs, seconds);
        withdraw(stateLeaves, aspLeaves);
    }

    private static void poseidon(int inputs, double seconds) {
        Poseidon h = Poseidon.of(inputs);
        long[] state = new long[4 * inputs];
        for (int i = 0; i < inputs; i++) Field.FR.fromBigInteger(BigInteger.valueOf(i + 1), state, 4 * i);
        long[] scratch = h.newScratch();
        for (int i = 0; i < 200_000; i++) h.hash(state, 0, state, 0, scratch);     // warm up the JIT
        long n = 0, start = System.nanoTime(), cpu0 = cpuNanos(), deadline = start + (long) (seconds * 1e9), now;
        do {
            for (int i = 0; i < 10_000; i++) h.hash(state, 0, state, 0, scratch);   // each output feeds the next hash
            n += 10_000;
        } while ((now = System.nanoTime()) < deadline);
        double rate = n / ((now - start) / 1e9), cpuRate = n / ((cpuNanos() - cpu0) / 1e9);
        System.out.printf(Locale.ROOT, "Poseidon(%d): %,.0f hashes/s wall, %,.0f hashes/s of thread CPU time (%.2f us/hash)%n",
                inputs, rate, cpuRate, 1e6 / cpuRate);
    }

    private static void withdraw(int stateLeaves, int aspLeaves) {
        SplittableRandom rnd = new SplittableRandom(1);
        BigInteger scope = field(rnd);
        BigInteger label = field(rnd);
        BigInteger value = BigInteger.TEN.pow(19);
        Note note = Note.of(value, label, NoteSecrets.of(field(rnd), field(rnd)));
        List<BigInteger> state = new ArrayList<>(stateLeaves);
        for (int i = 0; i < stateLeaves; i++) state.add(i == stateLeaves / 3 ? note.commitment() : field(rnd));
        List<BigInteger> asp = new ArrayList<>(aspLeaves);
        for (int i = 0; i < aspLeaves; i++) asp.add(i == aspLeaves / 2 ? label : field(rnd));
        Withdrawal w = new Withdrawal(Address.of(new byte[20]), new byte[64]);
        BigInteger newNullifier = field(rnd), newSecret = field(rnd);

        String request = requestJson(scope, note, state, asp, w, value.shiftRight(1), newNullifier, newSecret);
        for (int warm = 0; warm < 2; warm++) PoolInputs.withdrawInputJson(request);

        long c0 = cpuNanos(), t0 = System.nanoTime();
        LeanIMT stateTree = new LeanIMT(state);
        long c1 = cpuNanos(), t1 = System.nanoTime();
        LeanIMT aspTree = new LeanIMT(asp);
        long c2 = cpuNanos(), t2 = System.nanoTime();
        try (NoteSecrets fresh = NoteSecrets.of(newNullifier, newSecret);
             WithdrawInputs in = WithdrawInputs.build(note, stateTree, aspTree, w, scope, value.shiftRight(1), fresh)) {
            long c3 = cpuNanos(), t3 = System.nanoTime();
            String json = in.toJson();
            long c4 = cpuNanos(), t4 = System.nanoTime();
            System.out.printf(Locale.ROOT, "withdraw inputs, %,d state leaves (depth %d), %,d ASP leaves (depth %d):%n",
                    stateLeaves, stateTree.depth(), aspLeaves, aspTree.depth());
            System.out.printf(Locale.ROOT, "  (wall ms / thread CPU ms)%n");
            System.out.printf(Locale.ROOT, "  state tree from leaves  %8.1f / %8.1f%n", (t1 - t0) / 1e6, (c1 - c0) / 1e6);
            System.out.printf(Locale.ROOT, "  ASP tree from leaves    %8.1f / %8.1f%n", (t2 - t1) / 1e6, (c2 - c1) / 1e6);
            System.out.printf(Locale.ROOT, "  checks + proofs (built) %8.1f / %8.1f%n", (t3 - t2) / 1e6, (c3 - c2) / 1e6);
            System.out.printf(Locale.ROOT, "  input JSON              %8.1f / %8.1f (%,d bytes)%n", (t4 - t3) / 1e6, (c4 - c3) / 1e6, json.length());
        }
        int runs = 3;
        long best = Long.MAX_VALUE, bestCpu = Long.MAX_VALUE;
        for (int r = 0; r < runs; r++) {
            long s = System.nanoTime(), c = cpuNanos();
            PoolInputs.withdrawInputJson(request);
            best = Math.min(best, System.nanoTime() - s);
            bestCpu = Math.min(bestCpu, cpuNanos() - c);
        }
        System.out.printf(Locale.ROOT, "  request JSON (%,d bytes) -> input JSON, best of %d: %8.1f / %8.1f%n",
                request.length(), runs, best / 1e6, bestCpu / 1e6);
        note.close();
    }

    private static String requestJson(BigInteger scope, Note note, List<BigInteger> state, List<BigInteger> asp,
                                      Withdrawal w, BigInteger withdrawn, BigInteger newNullifier, BigInteger newSecret) {
        StringBuilder sb = new StringBuilder(90 * (state.size() + asp.size()) + 1024);
        sb.append("{\"scope\":\"").append(scope).append("\",\"note\":{\"value\":\"").append(note.value())
                .append("\",\"label\":\"").append(note.label()).append("\",\"nullifier\":\"").append(note.secrets().nullifier())
                .append("\",\"secret\":\"").append(note.secrets().secret()).append("\"},\"stateLeaves\":[");
        for (int i = 0; i < state.size(); i++) sb.append(i == 0 ? "" : ",").append('"').append(state.get(i)).append('"');
        sb.append("],\"aspLeaves\":[");
        for (int i = 0; i < asp.size(); i++) sb.append(i == 0 ? "" : ",").append('"').append(asp.get(i)).append('"');
        sb.append("],\"withdrawal\":{\"processooor\":\"").append(w.processooor()).append("\",\"data\":\"0x")
                .append(HexFormat.of().formatHex(w.data())).append("\"},\"withdrawnValue\":\"").append(withdrawn)
                .append("\",\"newNullifier\":\"").append(newNullifier).append("\",\"newSecret\":\"").append(newSecret).append("\"}");
        return sb.toString();
    }

    /** This thread's CPU time: on a shared machine, wall time also counts other processes' turns. */
    private static long cpuNanos() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static BigInteger field(SplittableRandom rnd) {
        byte[] b = new byte[32];
        rnd.nextBytes(b);
        BigInteger v = new BigInteger(1, b).mod(FieldValues.P);
        return v.signum() == 0 ? BigInteger.ONE : v;
    }
}
