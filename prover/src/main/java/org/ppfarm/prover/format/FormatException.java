package org.ppfarm.prover.format;

import org.ppfarm.prover.PpfarmException;

/** A file or document that is not what it claims to be: names the source, the place in it, and the problem. */
public final class FormatException extends PpfarmException {
    private final String source;
    private final String where;

    public FormatException(String source, String where, String problem) {
        super(source + ": " + where + ": " + problem);
        this.source = source;
        this.where = where;
    }

    public FormatException(String source, String where, String problem, Throwable cause) {
        super(source + ": " + where + ": " + problem, cause);
        this.source = source;
        this.where = where;
    }

    /** The file or document (a path, or a name like "proof.json"). */
    public String source() { return source; }
    /** The section, field or offset within it. */
    public String where() { return where; }
}
