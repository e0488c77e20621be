package org.ppfarm.coordinator.registry;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ppfarm.proto.v1.Circuit;
import org.ppfarm.proto.v1.CircuitRecord;
import org.ppfarm.testkit.Artifacts;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The replicated registry's rules on an in-memory log (the registry topic's real-broker path is in the embedded
 * module's ReplicatedRegistryTest): the first record of a name@version is the circuit at every registry following the
 * log, a registration that loses a race is refused, circuits in a registry's directory are published to a log that
 * lacks them, and a record naming no valid circuit is ignored.
 */
class CircuitRegistryTest {
    private final List<CircuitRegistry> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (CircuitRegistry r : open) r.close();
    }

    private CircuitRegistry follow(CircuitLog log, Path dir, String id) {
        CircuitRegistry r = new CircuitRegistry(dir, 1L << 30, log, id, List.of());
        log.follow(r::learn);
        open.add(r);
        return r;
    }

    /** commitment's artifacts without its vkey: other artifacts under the same name. */
    private static Circuit register(CircuitRegistry r, boolean withVkey) throws Exception {
        return r.registerFiles("commitment", "1", Artifacts.commitmentZkey(), Artifacts.commitmentWasm(),
                withVkey ? Artifacts.commitmentVkey() : null);
    }

    private static CircuitRecord record(Circuit c, String origin) {
        return CircuitRecord.newBuilder().setCircuit(c).setOrigin(origin).build();
    }

    private static final String TAKEN = "circuit commitment@1 is already registered with other artifacts; register a new version";

    @Test
    void aRegistrationIsEveryRegistrysAndItsArtifactsStayImmutable() throws Exception {
        InMemoryCircuitLog log = new InMemoryCircuitLog();
        CircuitRegistry a = follow(log, Files.createTempDirectory("reg-a-"), "a");
        CircuitRegistry b = follow(log, Files.createTempDirectory("reg-b-"), "b");
        Circuit c = register(a, true);
        assertEquals(List.of(c), b.list());
        var e = assertThrows(CircuitRegistry.RegistrationException.class, () -> register(b, false));
        assertEquals(TAKEN, e.getMessage());
        assertEquals(c, register(b, true), "the same artifacts again, at another coordinator: the registered circuit");
        assertEquals(1, log.records().size(), "a known circuit is not written again");
    }

    @Test
    void theLoserOfARaceIsRefusedAndTheFirstRecordStands() throws Exception {
        InMemoryCircuitLog log = new InMemoryCircuitLog();
        CircuitRegistry a = follow(log, Files.createTempDirectory("reg-a-"), "a");
        CircuitRegistry b = follow(log, Files.createTempDirectory("reg-b-"), "b");
        // coordinator c's registration without a vkey lands just before a's, which had not seen it yet
        Circuit first = Circuit.newBuilder().setName("commitment@1").setZkeySha256(Artifacts.SHA256.get("commitment.zkey"))
                .setWasmSha256(Artifacts.SHA256.get("commitment.wasm")).build();
        log.aheadOfNextAppend(record(first, "c"));
        var e = assertThrows(CircuitRegistry.RegistrationException.class, () -> register(a, true));
        assertEquals(TAKEN, e.getMessage());
        assertEquals(2, log.records().size(), "both records are in the log");
        assertEquals(List.of(first), a.list());
        assertEquals(List.of(first), b.list(), "every registry reads the log in one order: the first record wins everywhere");

        // a race between two registrations of the same artifacts: both succeed, with the first record's circuit
        Circuit same = first.toBuilder().setName("commitment@2").build();
        log.aheadOfNextAppend(record(same, "c"));
        Circuit mine = a.registerFiles("commitment", "2", Artifacts.commitmentZkey(), Artifacts.commitmentWasm(), null);
        assertEquals(same, mine);
    }

    @Test
    void circuitsInTheDirectoryArePublishedToALogThatLacksThem() throws Exception {
        Path dir = Files.createTempDirectory("reg-a-");
        Circuit c = register(follow(new InMemoryCircuitLog(), dir, "a"), true);
        // the same directory on a new Kafka cluster: an empty log
        InMemoryCircuitLog fresh = new InMemoryCircuitLog();
        CircuitRegistry again = follow(fresh, dir, "a");
        assertEquals(List.of(), again.list());
        again.publishLocal();
        assertEquals(List.of(c), again.list());
        assertEquals(List.of(c), fresh.records().stream().map(CircuitRecord::getCircuit).toList());
        assertTrue(again.blob(c.getZkeySha256()).isPresent());
    }

    @Test
    void aCircuitRegisteredElsewhereIsFetchedNotServedFromNothing() throws Exception {
        InMemoryCircuitLog log = new InMemoryCircuitLog();
        CircuitRegistry a = follow(log, Files.createTempDirectory("reg-a-"), "a");
        CircuitRegistry b = follow(log, Files.createTempDirectory("reg-b-"), "b");
        Circuit c = register(a, true);
        assertTrue(b.blob(c.getZkeySha256()).isEmpty(), "b holds none of a's bytes (a records no address here to fetch from)");
        assertTrue(b.fetching(c.getZkeySha256()), "a known circuit's artifact is being fetched");
        assertFalse(b.fetching("0".repeat(64)), "an artifact no known circuit uses is not");
        assertFalse(a.fetching(c.getZkeySha256()), "a holds it");
    }

    @Test
    void aRecordNamingNoValidCircuitIsIgnored() throws Exception {
        Path dir = Files.createTempDirectory("reg-a-");
        InMemoryCircuitLog log = new InMemoryCircuitLog();
        CircuitRegistry a = follow(log, dir, "a");
        String zkey = Artifacts.SHA256.get("commitment.zkey"), wasm = Artifacts.SHA256.get("commitment.wasm");
        for (String name : List.of("../../escape@1", "noversion", "a@b@c"))
            log.append(record(Circuit.newBuilder().setName(name).setZkeySha256(zkey).setWasmSha256(wasm).build(), "x"));
        log.append(record(Circuit.newBuilder().setName("short@1").setZkeySha256("abc").setWasmSha256(wasm).build(), "x"));
        assertEquals(List.of(), a.list());
        assertFalse(Files.exists(dir.getParent().resolve("escape@1.json")));
    }
}
