package org.ppfarm.privacypool.request;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.List;
import java.util.Set;
import org.ppfarm.privacypool.protocol.Note;
import org.ppfarm.privacypool.protocol.RagequitInputs;
import org.ppfarm.privacypool.tree.LeanIMT;

/**
 * "Prove I own this deposit" for a ragequit: the note and the pool's state leaves. JSON form:
 * <pre>
 * {"note": {"value": "…", "label": "…", "nullifier": "…", "secret": "…"},
 *  "stateLeaves": ["… every commitment in insertion order …"]}
 * </pre>
 * Numbers as in {@link WithdrawRequest}; other fields are refused. {@link #close()} wipes the note's secrets.
 */
public final class RagequitRequest implements AutoCloseable {
    private static final Set<String> FIELDS = Set.of("note", "stateLeaves");

    private final Note note;
    private final List<BigInteger> stateLeaves;

    /** Takes ownership of {@code note}. */
    public RagequitRequest(Note note, List<BigInteger> stateLeaves) {
        RequestDocuments.checkLeaves(stateLeaves, "stateLeaves");
        this.note = note;
        this.stateLeaves = List.copyOf(stateLeaves);
    }

    /**
     * @throws RequestFormatException for a malformed document (names the field)
     * @throws org.ppfarm.privacypool.protocol.InputRejectedException for well-formed but impossible values
     */
    public static RagequitRequest parse(String json) {
        JsonNode root = RequestDocuments.parse(json);
        JsonFields.onlyKnownFields(root, FIELDS, "");
        List<BigInteger> stateLeaves = RequestDocuments.leaves(root, "stateLeaves");
        return new RagequitRequest(RequestDocuments.note(root), stateLeaves);
    }

    /** @throws org.ppfarm.privacypool.protocol.CommitmentNotInStateTreeException when the note is not deposited */
    public RagequitInputs toInputs() {
        return RagequitInputs.build(note, stateLeaves.isEmpty() ? new LeanIMT() : new LeanIMT(stateLeaves));
    }

    public Note note() { return note; }
    public List<BigInteger> stateLeaves() { return stateLeaves; }

    @Override public void close() { note.close(); }

    @Override public String toString() { return "RagequitRequest[" + note + ", " + stateLeaves.size() + " state leaves]"; }
}
