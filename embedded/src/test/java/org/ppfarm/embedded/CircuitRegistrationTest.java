package org.ppfarm.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.ppfarm.client.FarmException;
import org.ppfarm.proto.v1.ArtifactsGrpc;
import org.ppfarm.proto.v1.Circuit;
import org.ppfarm.proto.v1.CircuitRef;
import org.ppfarm.proto.v1.FetchArtifactRequest;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobStatus;
import org.ppfarm.proto.v1.SubmitRequest;
import org.ppfarm.prover.format.ZkeyFile;
import org.ppfarm.testkit.Artifacts;
import org.ppfarm.testkit.TestCircuits;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Circuit registration against a running farm (real broker, the coordinator's Netty servers, worker w1 on its own
 * cluster node): a wasm that is not the zkey's circuit, a vkey that is not the zkey's, and names made of dots are
 * refused with INVALID_ARGUMENT naming what is wrong, and nothing is registered; a registered name@version keeps its
 * artifacts (ALREADY_EXISTS); two circuits that share a zkey but not a wasm each prove with their own wasm, in any
 * order; workers fetch artifacts from the coordinator's artifact port, which the clients' port does not serve.
 */
class CircuitRegistrationTest {
    static OneWorkerFarm farm;

    @BeforeAll
    static void start() throws Exception {
        farm = OneWorkerFarm.start(false);   // commitment@1.0.2 registered
    }

    @AfterAll
    static void stop() throws Exception {
        farm.close();
    }

    /** The status a registration or job failed with (the client library throws FarmException). */
    static Status refused(Status.Code code, Executable call) {
        RuntimeException thrown = assertThrows(RuntimeException.class, call);
        Status s = thrown instanceof FarmException f ? f.status() : assertInstanceOf(StatusRuntimeException.class, thrown).getStatus();
        assertEquals(code, s.getCode(), s.toString());
        return s;
    }

    static boolean listed(String name) {
        return farm.client.circuits().stream().anyMatch(c -> c.getName().equals(name));
    }

    static SubmitRequest job(String circuit, String inputJson) {
        return SubmitRequest.newBuilder().setCircuit(CircuitRef.newBuilder().setName(circuit)).setInputJson(inputJson).build();
    }

    @Test
    void aWasmOfAnotherCircuitIsRefused() throws Exception {
        // the poisoning of issue 13: commitment's zkey with withdraw's wasm
        int commitmentVars = ZkeyFile.readHeader("zkey", Artifacts.commitmentZkey()).nVars();
        int withdrawVars = ZkeyFile.readHeader("zkey", Artifacts.withdrawZkey()).nVars();   // = withdraw's witness size
        Status s = refused(Status.Code.INVALID_ARGUMENT,
                () -> farm.client.register("evil", "1", Artifacts.commitmentZkey(), Artifacts.withdrawWasm(), null));
        assertEquals("wasm: computes " + withdrawVars + " witness values but the zkey's circuit has nVars " + commitmentVars
                + "; they are not one circuit's", s.getDescription());
        Path junk = Files.write(Files.createTempDirectory("ppfarm-reg-").resolve("junk.wasm"), "not a wasm module".getBytes());
        s = refused(Status.Code.INVALID_ARGUMENT, () -> farm.client.register("evil", "1", Artifacts.commitmentZkey(), junk, null));
        assertTrue(s.getDescription().startsWith("wasm: module: not a valid WebAssembly module"), s.getDescription());
        assertFalse(listed("evil@1"));
        refused(Status.Code.NOT_FOUND, () -> farm.client.submit(job("evil@1", "{}")));
    }

    @Test
    void aVkeyThatIsNotTheZkeysIsRefused() throws Exception {
        int commitmentPublic = ZkeyFile.readHeader("zkey", Artifacts.commitmentZkey()).nPublic();
        int withdrawPublic = ZkeyFile.readHeader("zkey", Artifacts.withdrawZkey()).nPublic();
        assertNotEquals(commitmentPublic, withdrawPublic);
        Status s = refused(Status.Code.INVALID_ARGUMENT, () -> farm.client.register("vk", "1",
                Artifacts.commitmentZkey(), Artifacts.commitmentWasm(), Artifacts.withdrawVkey()));
        assertEquals("vkey: not the zkey's verification key (nPublic " + withdrawPublic + ", the zkey's " + commitmentPublic + ")",
                s.getDescription());

        // commitment's own vkey with another point where delta belongs
        ObjectMapper json = new ObjectMapper();
        ObjectNode vk = (ObjectNode) json.readTree(Artifacts.commitmentVkey().toFile());
        vk.set("vk_delta_2", vk.get("vk_gamma_2"));
        Path dir = Files.createTempDirectory("ppfarm-reg-");
        Path changed = Files.writeString(dir.resolve("changed.json"), json.writeValueAsString(vk));
        s = refused(Status.Code.INVALID_ARGUMENT, () -> farm.client.register("vk", "1",
                Artifacts.commitmentZkey(), Artifacts.commitmentWasm(), changed));
        assertEquals("vkey: not the zkey's verification key (vk_delta_2 differs)", s.getDescription());

        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"protocol\": \"groth16\",");
        s = refused(Status.Code.INVALID_ARGUMENT, () -> farm.client.register("vk", "1",
                Artifacts.commitmentZkey(), Artifacts.commitmentWasm(), broken));
        assertTrue(s.getDescription().matches("vkey: line \\d+, column \\d+: not valid JSON"), s.getDescription());
        assertFalse(listed("vk@1"));
    }

    @Test
    void namesAndVersionsFollowTheGrammar() throws Exception {
        String rule = "1-64 characters, a letter or digit first, then letters, digits, '_', '-' or '.'";
        for (String name : List.of(".", "..", "-x", "_x", ".hidden", "a".repeat(65), "a@b", "a/b")) {
            Status s = refused(Status.Code.INVALID_ARGUMENT, () -> farm.client.register(name, "1",
                    Artifacts.commitmentZkey(), Artifacts.commitmentWasm(), null));
            assertEquals("name: " + rule, s.getDescription(), name);
        }
        for (String version : List.of(".", "..", "", "-1")) {
            Status s = refused(Status.Code.INVALID_ARGUMENT, () -> farm.client.register("ok", version,
                    Artifacts.commitmentZkey(), Artifacts.commitmentWasm(), null));
            assertEquals("version: " + rule, s.getDescription(), version);
        }
        try (Stream<Path> files = Files.list(farm.farm.artifactsDir.resolve("circuits"))) {
            assertEquals(List.of(), files.map(p -> p.getFileName().toString()).filter(n -> !Character.isLetterOrDigit(n.charAt(0))).toList(),
                    "no hidden or odd files among the registered circuits");
        }
        Circuit c = farm.client.register("ok.name_2-x", "1.0.0-rc.1", Artifacts.commitmentZkey(), Artifacts.commitmentWasm(), null);
        assertEquals("ok.name_2-x@1.0.0-rc.1", c.getName());
    }

    @Test
    void aRegisteredCircuitKeepsItsArtifacts() {
        TestCircuits.Fixture square = TestCircuits.onePublic();
        String taken = "circuit commitment@1.0.2 is already registered with other artifacts; register a new version";
        Status s = refused(Status.Code.ALREADY_EXISTS, () -> farm.client.register("commitment", "1.0.2", square.zkey(), square.wasm(), square.vkey()));
        assertEquals(taken, s.getDescription());
        // the same zkey and wasm, but no vkey where one was registered: other artifacts too
        s = refused(Status.Code.ALREADY_EXISTS, () -> farm.client.register("commitment", "1.0.2",
                Artifacts.commitmentZkey(), Artifacts.commitmentWasm(), null));
        assertEquals(taken, s.getDescription());
        Circuit before = farm.client.circuits().stream().filter(c -> c.getName().equals("commitment@1.0.2")).findFirst().orElseThrow();
        assertEquals(before, farm.client.register("commitment", "1.0.2", Artifacts.commitmentZkey(), Artifacts.commitmentWasm(),
                Artifacts.commitmentVkey()), "the same upload again is the registered circuit");
    }

    @Test
    void circuitsSharingAZkeyButNotAWasmEachProveWithTheirOwnWasm() {
        TestCircuits.Fixture square = TestCircuits.onePublic(), renamed = TestCircuits.onePublicRenamed();
        assertEquals(square.zkey(), renamed.zkey());
        Circuit a = farm.client.register("square", "1", square.zkey(), square.wasm(), square.vkey());
        Circuit b = farm.client.register("square-renamed", "1", renamed.zkey(), renamed.wasm(), renamed.vkey());
        assertEquals(a.getZkeySha256(), b.getZkeySha256());
        assertNotEquals(a.getWasmSha256(), b.getWasmSha256());

        // keyed by the zkey alone, the worker ran whichever wasm it loaded first for both: the second circuit's
        // jobs then failed ("signal x is not an input of the circuit"), until the worker restarted
        Job first = farm.client.prove(job("square-renamed@1", renamed.input(5)));
        Job second = farm.client.prove(job("square@1", square.input(5)));
        Job third = farm.client.prove(job("square-renamed@1", renamed.input(6)));
        for (Job j : List.of(first, second, third)) assertEquals(JobStatus.JOB_STATUS_SUCCEEDED, j.getStatus(), j.toString());
        assertEquals(first.getResult().getPublicJson(), second.getResult().getPublicJson(), "the same statement, x = y");
        assertNotEquals(first.getResult().getPublicJson(), third.getResult().getPublicJson());

        // and each keeps its own input names: one_public's input is not the renamed circuit's
        Status s = refused(Status.Code.INVALID_ARGUMENT, () -> farm.client.prove(job("square-renamed@1", square.input(7))));
        assertTrue(s.getDescription().contains("signal x is not an input of the circuit"), s.getDescription());
    }

    @Test
    void artifactsAreServedOnTheArtifactPortOnly() throws Exception {
        FetchArtifactRequest zkey = FetchArtifactRequest.newBuilder().setSha256(Artifacts.SHA256.get("commitment.zkey")).build();
        var e = assertThrows(StatusRuntimeException.class, () -> ArtifactsGrpc.newBlockingStub(farm.client.channel()).fetch(zkey).next());
        assertEquals(Status.Code.UNIMPLEMENTED, e.getStatus().getCode(), e.getStatus().toString());
        ManagedChannel workers = NettyChannelBuilder.forAddress("127.0.0.1", farm.coordinator.artifactsPort()).usePlaintext().build();
        try {
            assertTrue(ArtifactsGrpc.newBlockingStub(workers).fetch(zkey).next().getTotalSize() > 0);
        } finally {
            workers.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
