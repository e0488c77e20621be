package org.ppfarm.testkit;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed wrappers over the snarkjs 0.7.5 CLI (the reference implementation every ppfarm component is checked
 * against). Each call starts node (about 0.3 s); failures throw {@link IllegalStateException} carrying snarkjs's
 * message, except where a method documents a boolean outcome.
 */
public final class Snarkjs {
    private Snarkjs() {}

    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");

    /**
     * Header counts of an .r1cs file as {@code snarkjs r1cs info} reports them.
     *
     * @param publicInputs public inputs only; the public signals are {@link #nPublic()} = outputs + public inputs
     */
    public record R1csInfo(String curve, long wires, long constraints, long privateInputs, long publicInputs,
                           long labels, long outputs) {
        /** Number of public signals (what public.json and the verification key's IC hold, minus the leading 1). */
        public long nPublic() { return outputs + publicInputs; }

        /**
         * log2 of the Groth16 evaluation domain snarkjs's {@code groth16 setup} picks: the smallest power of two
         * strictly greater than constraints + nPublic (one extra row per public signal plus the constant 1).
         */
        public int domainPower() { return 64 - Long.numberOfLeadingZeros(constraints + nPublic()); }

        public long domainSize() { return 1L << domainPower(); }
    }

    /** {@code snarkjs r1cs info}. */
    public static R1csInfo r1csInfo(Path r1cs) {
        String out = clean(Node.snarkjsResult("r1cs", "info", r1cs.toString()).orThrow("snarkjs r1cs info " + r1cs));
        return new R1csInfo(field(out, "Curve: (\\S+)"), num(out, "# of Wires"), num(out, "# of Constraints"),
                num(out, "# of Private Inputs"), num(out, "# of Public Inputs"), num(out, "# of Labels"),
                num(out, "# of Outputs"));
    }

    /** {@code snarkjs wtns calculate}: runs circom's wasm witness calculator on an input JSON file. */
    public static void wtnsCalculate(Path wasm, Path inputJson, Path outWtns) {
        Node.snarkjs("wtns", "calculate", wasm.toString(), inputJson.toString(), outWtns.toString());
    }

    /**
     * Like {@link #wtnsCalculate} but returns snarkjs's exit code and (colour-free) output instead of throwing,
     * for tests that feed bad input and check the reference rejects it.
     */
    public static Node.Result wtnsCalculateResult(Path wasm, Path inputJson, Path outWtns) {
        Node.Result r = Node.snarkjsResult("wtns", "calculate", wasm.toString(), inputJson.toString(), outWtns.toString());
        return new Node.Result(r.exitCode(), strip(r.stdout()), strip(r.stderr()));
    }

    /** {@code snarkjs wtns check}: true when the witness satisfies every constraint of the r1cs. */
    public static boolean wtnsCheck(Path r1cs, Path wtns) {
        Node.Result r = Node.snarkjsResult("wtns", "check", r1cs.toString(), wtns.toString());
        String out = clean(r);
        if (r.exitCode() == 0 && out.contains("WITNESS IS CORRECT")) return true;
        if (out.contains("WITNESS IS NOT CORRECT") || out.contains("Constraint doesn't match")) return false;
        throw new IllegalStateException("snarkjs wtns check " + r1cs + " " + wtns + " exited " + r.exitCode() + ": " + out);
    }

    /** {@code snarkjs groth16 prove}: writes proof.json and public.json. */
    public static void groth16Prove(Path zkey, Path wtns, Path proofJson, Path publicJson) {
        Node.snarkjs("groth16", "prove", zkey.toString(), wtns.toString(), proofJson.toString(), publicJson.toString());
    }

    /**
     * {@code snarkjs groth16 verify}: true for "OK!", false for "Invalid proof"; any other failure (missing or
     * malformed file) throws, so a broken test setup is never mistaken for a rejected proof.
     */
    public static boolean groth16Verify(Path vkeyJson, Path publicJson, Path proofJson) {
        Node.Result r = Node.snarkjsResult("groth16", "verify", vkeyJson.toString(), publicJson.toString(), proofJson.toString());
        String out = clean(r);
        if (r.exitCode() == 0 && out.contains("OK!")) return true;
        if (out.contains("Invalid proof") && !out.contains("Error:")) return false;
        throw new IllegalStateException("snarkjs groth16 verify exited " + r.exitCode() + ": " + out);
    }

    /** {@code snarkjs zkey export soliditycalldata}: the calldata text exactly as snarkjs prints it, trailing newline removed. */
    public static String zkeyExportSolidityCalldata(Path publicJson, Path proofJson) {
        String out = Node.snarkjs("zkey", "export", "soliditycalldata", publicJson.toString(), proofJson.toString());
        return out.endsWith("\n") ? out.substring(0, out.length() - 1) : out;
    }

    /** {@code snarkjs zkey export verificationkey}. */
    public static void exportVkey(Path zkey, Path vkeyJson) {
        Node.snarkjs("zkey", "export", "verificationkey", zkey.toString(), vkeyJson.toString());
    }

    private static String clean(Node.Result r) { return strip(r.stdout() + "\n" + r.stderr()); }

    private static String strip(String s) { return ANSI.matcher(s).replaceAll(""); }

    private static String field(String out, String regex) {
        Matcher m = Pattern.compile(regex).matcher(out);
        if (!m.find()) throw new IllegalStateException("snarkjs r1cs info: no match for " + regex + " in: " + out);
        return m.group(1);
    }

    private static long num(String out, String label) {
        return Long.parseLong(field(out, Pattern.quote(label) + ": (\\d+)"));
    }
}
