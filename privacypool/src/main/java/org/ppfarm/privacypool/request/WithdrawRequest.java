package org.ppfarm.privacypool.request;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.List;
import java.util.Set;
import org.ppfarm.privacypool.protocol.FieldValues;
import org.ppfarm.privacypool.protocol.Note;
import org.ppfarm.privacypool.protocol.NoteSecrets;
import org.ppfarm.privacypool.protocol.WithdrawInputs;
import org.ppfarm.privacypool.protocol.Withdrawal;
import org.ppfarm.privacypool.tree.LeanIMT;

/**
 * "Prove this withdrawal of this note": everything a relayer or RPC knows, from which {@link #toInputs()} checks and
 * assembles the withdraw circuit's ~80 signals. The JSON form (the farm accepts the same shape as a job):
 * <pre>
 * {"scope": "…",
 *  "note": {"value": "…", "label": "…", "nullifier": "…", "secret": "…"},
 *  "stateLeaves": ["… every commitment in insertion order …"],
 *  "aspLeaves": ["… approved labels in insertion order …"],
 *  "withdrawal": {"processooor": "0x…", "data": "0x…"},
 *  "withdrawnValue": "…",
 *  "newNullifier": "…", "newSecret": "…"}
 * </pre>
 * Numbers are decimal or 0x-hex strings (or JSON integers). Instead of {@code newNullifier}/{@code newSecret}, a
 * request may give {@code "masterKeys": {"masterNullifier": "…", "masterSecret": "…"}} (or {@code {"mnemonic": "…"}})
 * and the withdrawal {@code "index"}; the change note's secrets are then derived as the 0xbow SDK derives them.
 * Unknown fields are refused (a typo must not silently drop an input). Owns its secrets: {@link #close()} wipes them.
 */
public final class WithdrawRequest implements AutoCloseable {
    private static final Set<String> FIELDS = Set.of("scope", "note", "stateLeaves", "aspLeaves", "withdrawal",
            "withdrawnValue", "newNullifier", "newSecret", "masterKeys", "index");

    private final BigInteger scope;
    private final Note note;
    private final List<BigInteger> stateLeaves;
    private final List<BigInteger> aspLeaves;
    private final Withdrawal withdrawal;
    private final BigInteger withdrawnValue;
    private final NoteSecrets newSecrets;

    /** Takes ownership of {@code note} and {@code newSecrets}. Leaves must be canonical and non-zero. */
    public WithdrawRequest(BigInteger scope, Note note, List<BigInteger> stateLeaves, List<BigInteger> aspLeaves,
                           Withdrawal withdrawal, BigInteger withdrawnValue, NoteSecrets newSecrets) {
        this.scope = FieldValues.canonical("scope", scope);
        RequestDocuments.checkLeaves(stateLeaves, "stateLeaves");
        RequestDocuments.checkLeaves(aspLeaves, "aspLeaves");
        this.note = note;
        this.stateLeaves = List.copyOf(stateLeaves);
        this.aspLeaves = List.copyOf(aspLeaves);
        this.withdrawal = withdrawal;
        this.withdrawnValue = withdrawnValue;
        this.newSecrets = newSecrets;
    }

    /**
     * Parses the JSON form.
     * @throws RequestFormatException for a malformed document (names the field)
     * @throws org.ppfarm.privacypool.protocol.InputRejectedException for well-formed but impossible values
     */
    public static WithdrawRequest parse(String json) {
        JsonNode root = RequestDocuments.parse(json);
        JsonFields.onlyKnownFields(root, FIELDS, "");
        BigInteger scope = FieldValues.canonical("scope", JsonFields.number(root, "scope", "scope"));
        List<BigInteger> stateLeaves = RequestDocuments.leaves(root, "stateLeaves");
        List<BigInteger> aspLeaves = RequestDocuments.leaves(root, "aspLeaves");
        JsonNode w = JsonFields.object(root, "withdrawal", "withdrawal");
        JsonFields.onlyKnownFields(w, Set.of("processooor", "data"), "withdrawal.");
        Withdrawal withdrawal = new Withdrawal(JsonFields.address(w, "processooor", "withdrawal.processooor"),
                JsonFields.hexBytes(w, "data", "withdrawal.data"));
        BigInteger withdrawnValue = JsonFields.number(root, "withdrawnValue", "withdrawnValue");
        Note note = RequestDocuments.note(root);
        try {
            NoteSecrets fresh = RequestDocuments.newSecrets(root, note.label());
            return new WithdrawRequest(scope, note, stateLeaves, aspLeaves, withdrawal, withdrawnValue, fresh);
        } catch (RuntimeException e) {
            note.close();
            throw e;
        }
    }

    /**
     * Builds the state and ASP trees from the leaves and the checked circuit inputs.
     * @throws org.ppfarm.privacypool.protocol.InputRejectedException (a named subclass) when no proof could exist
     */
    public WithdrawInputs toInputs() {
        LeanIMT state = stateLeaves.isEmpty() ? new LeanIMT() : new LeanIMT(stateLeaves);
        LeanIMT asp = aspLeaves.isEmpty() ? new LeanIMT() : new LeanIMT(aspLeaves);
        return WithdrawInputs.build(note, state, asp, withdrawal, scope, withdrawnValue, newSecrets);
    }

    public BigInteger scope() { return scope; }
    public Note note() { return note; }
    public List<BigInteger> stateLeaves() { return stateLeaves; }
    public List<BigInteger> aspLeaves() { return aspLeaves; }
    public Withdrawal withdrawal() { return withdrawal; }
    public BigInteger withdrawnValue() { return withdrawnValue; }
    public NoteSecrets newSecrets() { return newSecrets; }

    @Override public void close() {
        note.close();
        newSecrets.close();
    }

    @Override public String toString() {
        return "WithdrawRequest[scope=" + scope + ", " + note + ", " + stateLeaves.size() + " state leaves, "
                + aspLeaves.size() + " ASP leaves, " + withdrawal + ", withdrawnValue=" + withdrawnValue + "]";
    }
}
