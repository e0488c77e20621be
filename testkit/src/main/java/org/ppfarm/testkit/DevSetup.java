package org.ppfarm.testkit;

import java.nio.file.Path;

/**
 * A development Groth16 trusted setup with snarkjs, <b>for tests only</b>.
 *
 * <p>The toxic waste of every phase comes from a single fixed-entropy contribution (snarkjs mixes the given
 * entropy with its own randomness, but one honest party is all the "ceremony" there is), and the files sit in a
 * user cache. Proofs made with these keys prove nothing to anyone else. Production keys need a real multi-party
 * ceremony (a public powers-of-tau such as the Hermez/Perpetual one plus a phase-2 ceremony per circuit), as the
 * 0xbow keys in {@link Artifacts} had.
 *
 * <p>Phase 1 ({@code powersoftau new}, one {@code contribute}, {@code prepare phase2}) is cached per power under
 * {@code Repo.cache()/ptau/pot<power>}; {@code prepare phase2} dominates and grows quickly with the power
 * (measured on the 2-core development machine: power 8 about 3 s, 11 about 30 s, 12 about 115 s). So every circuit
 * uses one shared power-{@value #MIN_POWER} file unless it needs more: a ptau of power p serves any circuit whose
 * domain is at most 2^p. Phase 2 ({@code groth16 setup}, one {@code zkey contribute}, {@code zkey export
 * verificationkey}) is cached per circuit under {@code Repo.cache()/setup/<name>-<sha256>-p<power>}.
 *
 * <p>This is the path for keys snarkjs itself made (the {@link TestCircuits} fixtures, which tests compare ppfarm
 * with), so keep it to small powers. A test that only needs <i>some</i> valid keys for a larger circuit uses
 * {@code org.ppfarm.prover.setup.DevSetup} instead (module prover; testkit cannot depend on it): seconds, not the
 * quarter of an hour a power-14 ptau takes here.
 */
public final class DevSetup {
    private DevSetup() {}

    /** The smallest ptau power generated; covers every test circuit (largest domain 2^11). */
    public static final int MIN_POWER = 11;

    /** Refuse to generate ptau files whose preparation would take many minutes on the development machine. */
    public static final int MAX_POWER = 16;

    private static final String ENTROPY = "-e=ppfarm development setup: NOT FOR PRODUCTION";

    /**
     * Proving and verification key of a circuit.
     *
     * @param zkey  the final .zkey (after one phase-2 contribution)
     * @param vkey  verification_key.json exported from it
     * @param power log2 of the ptau file used (not the circuit's domain; that is in the zkey header)
     */
    public record Keys(Path zkey, Path vkey, int power) {}

    /** The prepared (phase-2-ready) powers-of-tau file of exactly this power, generated on first use. */
    public static Path ptau(int power) {
        if (power < 1 || power > MAX_POWER) throw new IllegalArgumentException("ptau power " + power + " outside 1.." + MAX_POWER);
        String name = "pot" + power;
        Path dir = Cached.dir(Repo.cache().resolve("ptau").resolve(name), tmp -> {
            String p0 = tmp.resolve(name + "_0000.ptau").toString();
            String p1 = tmp.resolve(name + "_0001.ptau").toString();
            Node.snarkjs("powersoftau", "new", "bn128", Integer.toString(power), p0);
            Node.snarkjs("powersoftau", "contribute", p0, p1, "--name=ppfarm dev", ENTROPY);
            Node.snarkjs("powersoftau", "prepare", "phase2", p1, tmp.resolve(name + ".ptau").toString());
            Cached.deleteTree(Path.of(p0));
            Cached.deleteTree(Path.of(p1));
        });
        return dir.resolve(name + ".ptau");
    }

    /** The ptau power {@link #setup} uses for a circuit: its domain power, at least {@link #MIN_POWER}. */
    public static int powerFor(Snarkjs.R1csInfo info) {
        return Math.max(MIN_POWER, info.domainPower());
    }

    /** Development proving and verification keys for a compiled circuit, generated on first use. */
    public static Keys setup(Circom.Compiled circuit) {
        return setup(circuit, Snarkjs.r1csInfo(circuit.r1cs()));
    }

    /** {@link #setup(Circom.Compiled)} when the caller already has the circuit's r1cs info. */
    public static Keys setup(Circom.Compiled circuit, Snarkjs.R1csInfo info) {
        int power = powerFor(info);
        Path ptau = ptau(power);
        Path dir = Cached.dir(Repo.cache().resolve("setup").resolve(circuit.name() + "-" + circuit.sha256() + "-p" + power), tmp -> {
            String z0 = tmp.resolve(circuit.name() + "_0000.zkey").toString();
            Path z1 = tmp.resolve(circuit.name() + ".zkey");
            Node.snarkjs("groth16", "setup", circuit.r1cs().toString(), ptau.toString(), z0);
            Node.snarkjs("zkey", "contribute", z0, z1.toString(), "--name=ppfarm dev", ENTROPY);
            Snarkjs.exportVkey(z1, tmp.resolve("verification_key.json"));
            Cached.deleteTree(Path.of(z0));
        });
        return new Keys(dir.resolve(circuit.name() + ".zkey"), dir.resolve("verification_key.json"), power);
    }
}
