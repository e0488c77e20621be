package org.ppfarm.privacypool.subset;

import org.ppfarm.prover.PpfarmException;

/** An access-list encoding that does not decode: one line naming the field and the problem. */
public final class SubsetEncodingException extends PpfarmException {
    private final String field;

    public SubsetEncodingException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    public String field() { return field; }
}
