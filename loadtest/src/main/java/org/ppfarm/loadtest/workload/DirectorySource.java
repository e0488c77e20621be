package org.ppfarm.loadtest.workload;

import com.google.protobuf.ByteString;
import org.ppfarm.loadtest.LoadSettingException;
import org.ppfarm.proto.v1.CircuitRef;
import org.ppfarm.proto.v1.SubmitRequest;
import org.ppfarm.prover.groth16.PreparedVerifyingKey;
import org.ppfarm.prover.groth16.VerificationKey;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Any registered circuit, from a directory of its inputs, used in turn by request number in file-name order: circuit
 * input JSON files ({@code *.json} other than {@code verification_key.json}, sent as {@code input_json}) and complete
 * witnesses ({@code *.wtns}, sent as {@code wtns}, so the farm skips the witness stage), beside the circuit's
 * {@code verification_key.json}. The inputs repeat once the files are used up; the farm keeps no result cache, and
 * each request is its own job.
 */
public record DirectorySource(String circuit, List<SubmitRequest> requests, PreparedVerifyingKey verifyingKey) implements RequestSource {
    public static DirectorySource of(String circuit, Path dir) {
        String key = "inputs";
        Path vkey = dir.resolve("verification_key.json");
        if (!Files.isRegularFile(vkey)) throw new LoadSettingException(key, vkey + ": missing (each inputs directory holds the circuit's verification key)");
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> inputs = files.filter(p -> !p.equals(vkey))
                    .filter(p -> p.getFileName().toString().endsWith(".json") || p.getFileName().toString().endsWith(".wtns")).sorted().toList();
            if (inputs.isEmpty()) throw new LoadSettingException(key, dir + ": no input files (*.json circuit inputs or *.wtns witnesses)");
            List<SubmitRequest> requests = new ArrayList<>();
            for (Path p : inputs) {
                SubmitRequest.Builder b = SubmitRequest.newBuilder().setCircuit(CircuitRef.newBuilder().setName(circuit));
                if (p.getFileName().toString().endsWith(".wtns")) b.setWtns(ByteString.copyFrom(Files.readAllBytes(p)));
                else b.setInputJson(Files.readString(p));
                requests.add(b.build());
            }
            return new DirectorySource(circuit, List.copyOf(requests), PreparedVerifyingKey.of(VerificationKey.readJson(vkey)));
        } catch (IOException e) {
            throw new LoadSettingException(key, dir + ": cannot read: " + e.getMessage());
        }
    }

    @Override
    public Generated generate(long seed, long index) {
        return new Generated(requests.get((int) Math.floorMod(index, (long) requests.size())), null);
    }
}
