package org.ppfarm.coordinator.grpc;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ppfarm.coordinator.inputs.InvalidInputException;
import org.ppfarm.coordinator.jobs.InMemoryJobLog;
import org.ppfarm.coordinator.jobs.JobSubmitter;
import org.ppfarm.coordinator.jobs.SubmitterFixture;
import org.ppfarm.farm.seal.InputSeal;
import org.ppfarm.proto.v1.CircuitRef;
import org.ppfarm.proto.v1.ClientSealedInput;
import org.ppfarm.proto.v1.GetSealingKeyRequest;
import org.ppfarm.proto.v1.InputKind;
import org.ppfarm.proto.v1.JobRecord;
import org.ppfarm.proto.v1.ProverGrpc;
import org.ppfarm.proto.v1.SealedInput;
import org.ppfarm.proto.v1.SealedInputKind;
import org.ppfarm.proto.v1.SealingKey;
import org.ppfarm.proto.v1.SubmitRequest;
import org.ppfarm.proto.v1.SubmitResponse;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Inputs sealed by the client (SubmitRequest.sealed_input) at the gRPC edge, in-process, on a coordinator that refuses
 * plaintext ({@code inputs.plaintext.allowed=false}): the sealing key it publishes, what it checks without opening an
 * input, that it forwards the sealed bytes unopened under the client's job id, and each refusal with its status.
 */
class SealedSubmissionTest {
    static final String REQUEST = "{\"note\":{\"nullifier\":\"918273645546372819\",\"secret\":\"123987456654789321\"}}";

    /** The one tenant allowed plaintext inputs (TenantRecord.plaintext_allowed), as {@code TenantDirectory} would say. */
    static final String LEGACY = "legacy";
    static final InMemoryJobLog log = new InMemoryJobLog("sealed", true);
    static SubmitterFixture core;
    static InProcessProver prover;
    static ProverGrpc.ProverBlockingStub stub;

    @BeforeAll
    static void start() throws Exception {
        core = new SubmitterFixture(log, null, LEGACY::equals);
        prover = new InProcessProver(core);
        stub = prover.stub;
    }

    @AfterAll
    static void stop() throws Exception {
        prover.close();
    }

    /** A withdraw request sealed to {@code publicKey} for {@code jobId}, as FarmClient seals it. */
    static SubmitRequest.Builder sealed(byte[] publicKey, String jobId) {
        SealedInput s = new InputSeal.Sealer(publicKey).seal(jobId, REQUEST.getBytes(StandardCharsets.UTF_8));
        return SubmitRequest.newBuilder().setCircuit(CircuitRef.newBuilder().setName("commitment")).setJobId(jobId)
                .setSealedInput(ClientSealedInput.newBuilder().setKind(SealedInputKind.SEALED_INPUT_KIND_WITHDRAW_REQUEST)
                        .setKeyId(s.getKeyId()).setEnc(s.getEnc()).setCiphertext(s.getCiphertext()).setNonce(s.getNonce()));
    }

    @Test
    void theSealingKeyIsTheWorkersWithItsFingerprint() {
        SealingKey k = stub.getSealingKey(GetSealingKeyRequest.getDefaultInstance());
        assertArrayEquals(core.keys.publicKey(), k.getPublicKey().toByteArray());
        assertEquals(InputSeal.fingerprint(core.keys.publicKey()), k.getFingerprint());
        assertEquals(64, k.getFingerprint().length());
        assertEquals(k.getFingerprint().substring(0, 16), k.getKeyId());
    }

    /** The record holds the client's sealed bytes as they came, under the client's job id; the worker's key opens them. */
    @Test
    void aSealedInputIsForwardedUnopenedUnderTheClientsJobId() throws Exception {
        String jobId = UUID.randomUUID().toString();
        SubmitRequest req = sealed(core.keys.publicKey(), jobId).setIdempotencyKey("sealed-1").build();
        SubmitResponse s = stub.submit(req);
        assertEquals(jobId, s.getJobId());
        assertFalse(s.getExisting());
        JobRecord r = ProverServiceTest.record(log, jobId).record();
        assertEquals(InputKind.INPUT_KIND_WITHDRAW_REQUEST, r.getInputKind());
        ClientSealedInput in = req.getSealedInput();
        assertEquals(in.getCiphertext(), r.getInput().getCiphertext());
        assertEquals(in.getEnc(), r.getInput().getEnc());
        assertEquals(in.getNonce(), r.getInput().getNonce());
        assertFalse(new String(r.toByteArray(), StandardCharsets.ISO_8859_1).contains("918273645546372819"));
        assertArrayEquals(REQUEST.getBytes(StandardCharsets.UTF_8), new InputSeal.Opener(core.keys).open(jobId, r.getInput()));

        // the client's retry (same id, same bytes, same key) is the same job, written once
        SubmitResponse again = stub.submit(req);
        assertEquals(jobId, again.getJobId());
        assertTrue(again.getExisting());
        assertEquals(1, log.jobs().stream().filter(w -> w.record().getJobId().equals(jobId)).count());
        // any other submission under the id is refused, naming it
        String other = ProverServiceTest.refused(log, Status.Code.ALREADY_EXISTS, () -> stub.submit(sealed(core.keys.publicKey(), jobId).build()));
        assertTrue(other.startsWith("job_id '" + jobId + "': already names a job"), other);
    }

    @Test
    void whatTheCoordinatorCanCheckOfASealedInputIsChecked() {
        byte[] pk = core.keys.publicKey();
        String id = UUID.randomUUID().toString();
        assertTrue(ProverServiceTest.refused(log, Status.Code.INVALID_ARGUMENT, () -> stub.submit(sealed(pk, id).clearJobId().build()))
                .startsWith("job_id: required with sealed_input"));
        for (String bad : new String[] {"job-1", id.toUpperCase(), UUID.nameUUIDFromBytes(new byte[1]).toString()})
            assertTrue(ProverServiceTest.refused(log, Status.Code.INVALID_ARGUMENT, () -> stub.submit(sealed(pk, bad).build()))
                    .contains("is not a random (version 4) UUID"), bad);
        String otherKey = ProverServiceTest.refused(log, Status.Code.FAILED_PRECONDITION,
                () -> stub.submit(sealed(InputSeal.KeyPair.generate().publicKey(), id).build()));
        assertTrue(otherKey.startsWith("sealed_input.key_id: sealed to key ") && otherKey.contains(InputSeal.keyId(pk)), otherKey);
        SubmitRequest ok = sealed(pk, id).build();
        assertTrue(ProverServiceTest.refused(log, Status.Code.INVALID_ARGUMENT, () -> stub.submit(ok.toBuilder().setSealedInput(ok.getSealedInput().toBuilder()
                .setKind(SealedInputKind.SEALED_INPUT_KIND_UNSPECIFIED)).build())).startsWith("sealed_input.kind: unknown value 0"));
        assertTrue(ProverServiceTest.refused(log, Status.Code.INVALID_ARGUMENT, () -> stub.submit(ok.toBuilder().setSealedInput(ok.getSealedInput().toBuilder()
                .setEnc(ByteString.copyFrom(new byte[31]))).build())).startsWith("sealed_input.enc: 31 bytes"));
        assertTrue(ProverServiceTest.refused(log, Status.Code.INVALID_ARGUMENT, () -> stub.submit(ok.toBuilder().setSealedInput(ok.getSealedInput().toBuilder()
                .setNonce(ByteString.copyFrom(new byte[8]))).build())).startsWith("sealed_input.nonce: 8 bytes"));
    }

    /** inputs.plaintext.allowed=false: every plaintext form is refused naming the setting, and a job id needs a sealed input. */
    @Test
    void plaintextIsRefusedNamingTheSetting() {
        SubmitRequest.Builder b = SubmitRequest.newBuilder().setCircuit(CircuitRef.newBuilder().setName("commitment"));
        for (SubmitRequest r : new SubmitRequest[] {b.clone().setInputJson(ProverServiceTest.VALID).build(), b.clone().setWtns(ByteString.copyFromUtf8("wtns")).build(),
                b.clone().setWithdrawRequestJson(REQUEST).build(), b.clone().setRagequitRequestJson(REQUEST).build()}) {
            String why = ProverServiceTest.refused(log, Status.Code.FAILED_PRECONDITION, () -> stub.submit(r));
            assertTrue(why.contains("plaintext inputs are refused by this farm (inputs.plaintext.allowed=false)"), why);
        }
        assertTrue(ProverServiceTest.refused(log, Status.Code.INVALID_ARGUMENT, () -> stub.submit(b.clone().setInputJson(ProverServiceTest.VALID)
                .setJobId(UUID.randomUUID().toString()).build())).startsWith("job_id: only with sealed_input"));
    }

    /** A tenant allowed plaintext inputs is the exception: its plaintext input is validated and taken, another's refused. */
    @Test
    void aTenantAllowedPlaintextHasItsPlaintextTaken() throws Exception {
        SubmitRequest r = SubmitRequest.newBuilder().setCircuit(CircuitRef.newBuilder().setName("commitment")).setInputJson(ProverServiceTest.VALID).build();
        JobSubmitter.Submitted s = core.submitter.submit(LEGACY, r).toCompletableFuture().get(10, TimeUnit.SECONDS);
        JobRecord taken = ProverServiceTest.record(log, s.jobId()).record();
        assertEquals(LEGACY, taken.getTenant());
        assertEquals(InputKind.INPUT_KIND_JSON, taken.getInputKind());
        ExecutionException other = assertThrows(ExecutionException.class, () -> core.submitter.submit("other", r).toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertInstanceOf(JobSubmitter.PreconditionFailedException.class, other.getCause());
        ExecutionException invalid = assertThrows(ExecutionException.class, () -> core.submitter.submit(LEGACY, r.toBuilder()
                .setInputJson("{}").build()).toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertInstanceOf(InvalidInputException.class, invalid.getCause(), "the legacy tenant's plaintext is still validated");
    }
}
