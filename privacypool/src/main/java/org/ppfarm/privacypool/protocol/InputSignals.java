package org.ppfarm.privacypool.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A circuit's input signals by the names its {@code main} component declares, in the JSON shape snarkjs and the
 * circom witness calculators read: every value a decimal string, arrays as arrays. Holding spending keys, it is
 * never logged ({@link #toString()} shows only the names).
 */
public interface InputSignals {
    /** Signal name to value: a {@link BigInteger} or a {@code List<BigInteger>}, in the circuit's declaration order. */
    Map<String, Object> signals();

    /** The public signals the proof will carry, in the verifier's order (outputs first, then public inputs). */
    List<BigInteger> publicSignals();

    /** The witness calculator's input file content. */
    default String toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (var e : signals().entrySet()) {
            if (e.getValue() instanceof List<?> list) {
                List<String> s = new ArrayList<>(list.size());
                for (Object o : list) s.add(o.toString());
                out.put(e.getKey(), s);
            } else {
                out.put(e.getKey(), e.getValue().toString());
            }
        }
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Shared mapper (thread-safe once configured), without buffer recycling: a recycled writer buffer would keep the
     * inputs' secrets' text alive after the JSON is written.
     */
    final class Json {
        private Json() {}
        static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder().recyclerPool(JsonRecyclerPools.nonRecyclingPool()).build());
    }
}
