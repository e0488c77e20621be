package org.ppfarm.privacypool.request;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.util.List;
import java.util.Set;
import org.ppfarm.privacypool.protocol.FieldValues;
import org.ppfarm.privacypool.protocol.MasterKeys;
import org.ppfarm.privacypool.protocol.Note;
import org.ppfarm.privacypool.protocol.NoteSecrets;

/** Parsing shared by the withdraw and ragequit requests: the document, the note, leaf lists, derived secrets. */
final class RequestDocuments {
    private RequestDocuments() {}

    /** Without buffer recycling: a recycled parser buffer would keep a request's secrets' text alive after the parse. */
    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder().recyclerPool(JsonRecyclerPools.nonRecyclingPool()).build())
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    static JsonNode parse(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            // Jackson's message may quote the offending text, which could be a secret: report the place only
            var loc = e.getLocation();
            throw new RequestFormatException("request", "not valid JSON" + (loc == null ? "" : " (line " + loc.getLineNr()
                    + ", column " + loc.getColumnNr() + ")"));
        }
        if (root == null || !root.isObject()) throw new RequestFormatException("request", "must be a JSON object");
        return root;
    }

    static Note note(JsonNode root) {
        JsonNode n = JsonFields.object(root, "note", "note");
        JsonFields.onlyKnownFields(n, Set.of("value", "label", "nullifier", "secret"), "note.");
        BigInteger value = JsonFields.number(n, "value", "note.value");
        BigInteger label = JsonFields.number(n, "label", "note.label");
        NoteSecrets secrets = NoteSecrets.of(JsonFields.number(n, "nullifier", "note.nullifier"),
                JsonFields.number(n, "secret", "note.secret"), "note.nullifier", "note.secret");
        try {
            return Note.of(value, label, secrets);
        } catch (RuntimeException e) {
            secrets.close();
            throw e;
        }
    }

    /** Leaves as the contracts accept them: canonical and non-zero. */
    static List<BigInteger> leaves(JsonNode root, String name) {
        List<BigInteger> leaves = JsonFields.numbers(root, name, name);
        checkLeaves(leaves, name);
        return leaves;
    }

    static void checkLeaves(List<BigInteger> leaves, String name) {
        for (int i = 0; i < leaves.size(); i++) FieldValues.nonZero(name + "[" + i + "]", leaves.get(i));
    }

    /**
     * The change note's secrets: {@code newNullifier} and {@code newSecret}, or derived from {@code masterKeys}
     * ({@code {masterNullifier, masterSecret}} or {@code {mnemonic}}) and the withdrawal {@code index} as the SDK does.
     */
    static NoteSecrets newSecrets(JsonNode root, BigInteger label) {
        boolean explicit = root.has("newNullifier") || root.has("newSecret");
        boolean derived = root.has("masterKeys") || root.has("index");
        if (explicit && derived)
            throw new RequestFormatException("newNullifier", "give either newNullifier and newSecret, or masterKeys and index, not both");
        if (explicit) {
            return NoteSecrets.of(JsonFields.number(root, "newNullifier", "newNullifier"),
                    JsonFields.number(root, "newSecret", "newSecret"), "newNullifier", "newSecret");
        }
        if (!derived)
            throw new RequestFormatException("newNullifier", "missing (or give masterKeys and index to derive it)");
        JsonNode mk = JsonFields.object(root, "masterKeys", "masterKeys");
        BigInteger index = FieldValues.canonical("index", JsonFields.number(root, "index", "index"));
        try (MasterKeys keys = masterKeys(mk)) {
            return keys.withdrawalSecrets(label, index);
        }
    }

    private static MasterKeys masterKeys(JsonNode mk) {
        JsonFields.onlyKnownFields(mk, Set.of("masterNullifier", "masterSecret", "mnemonic"), "masterKeys.");
        if (mk.has("mnemonic")) {
            if (mk.has("masterNullifier") || mk.has("masterSecret"))
                throw new RequestFormatException("masterKeys", "give either mnemonic, or masterNullifier and masterSecret");
            String m = JsonFields.text(mk, "mnemonic", "masterKeys.mnemonic");
            if (m.isBlank()) throw new RequestFormatException("masterKeys.mnemonic", "empty");
            return MasterKeys.fromMnemonic(m);
        }
        return MasterKeys.of(JsonFields.number(mk, "masterNullifier", "masterKeys.masterNullifier"),
                JsonFields.number(mk, "masterSecret", "masterKeys.masterSecret"));
    }
}
