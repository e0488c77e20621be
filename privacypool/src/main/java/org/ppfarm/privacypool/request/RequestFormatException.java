package org.ppfarm.privacypool.request;

import org.ppfarm.prover.PpfarmException;

/** A request document that does not parse: one line {@code "<field>: <problem>"}, never echoing a secret. */
public final class RequestFormatException extends PpfarmException {
    private final String field;

    public RequestFormatException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    /** The JSON path of the offending field, e.g. {@code note.value} or {@code stateLeaves[3]}. */
    public String field() { return field; }
}
