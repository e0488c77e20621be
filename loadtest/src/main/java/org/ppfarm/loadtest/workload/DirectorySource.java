package org.ppfarm.loadtest.workload;

import org.ppfarm.loadtest.LoadSettingException;
import org.ppfarm.proto.v1.CircuitRef;
import org.ppfarm.proto.v1.SubmitRequest;
import org.ppfarm.prover.groth16.PreparedVerifyingKey;
import org.ppfarm.prover.groth16.VerificationKey;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Any registered circuit, from a directory of its circuit-input JSON files ({@code *.json} other than
 * {@code verification_key.json}, used in turn by request number) and its {@code verification_key.json}. The inputs
 * repeat once the files are used up; the farm keeps no result cache, and each request is its own job.
 */
public record DirectorySource(String circuit, List<String> inputs, PreparedVerifyingKey verifyingKey) implements RequestSource {
    public static DirectorySource of(String circuit, Path dir) {
        String key = "inputs";
        Path vkey = dir.resolve("verification_key.json");
        if (!Files.isRegularFile(vkey)) throw new LoadSettingException(key, vkey + ": missing (each inputs directory holds the circuit's verification key)");
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> json = files.filter(p -> p.getFileName().toString().endsWith(".json") && !p.equals(vkey)).sorted().toList();
            if (json.isEmpty()) throw new LoadSettingException(key, dir + ": no input *.json files");
            List<String> inputs = new java.util.ArrayList<>();
            for (Path p : json) inputs.add(Files.readString(p));
            return new DirectorySource(circuit, List.copyOf(inputs), PreparedVerifyingKey.of(VerificationKey.readJson(vkey)));
        } catch (IOException e) {
            throw new LoadSettingException(key, dir + ": cannot read: " + e.getMessage());
        }
    }

    @Override
    public Generated generate(long seed, long index) {
        return new Generated(SubmitRequest.newBuilder().setCircuit(CircuitRef.newBuilder().setName(circuit))
                .setInputJson(inputs.get((int) Math.floorMod(index, (long) inputs.size()))).build(), null);
    }
}
