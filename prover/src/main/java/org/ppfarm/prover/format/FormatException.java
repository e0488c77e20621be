package org.ppfarm.prover.format;

import org.ppfarm.prover.PpfarmException;

/** A file or document that is not what it claims to be: names the source, the place in it, and the problem. */
public final class FormatException extends PpfarmException {
    private final String source;
    private final String where;
    private final String problem;

    public FormatException(String source, String where, String problem) {
        super(source + ": " + where + ": " + problem);
        this.source = source;
        this.where = where;
        this.problem = problem;
    }

    public FormatException(String source, String where, String problem, Throwable cause) {
        super(source + ": " + where + ": " + problem, cause);
        this.source = source;
        this.where = where;
        this.problem = problem;
    }

    /** The file or document (a path, or a name like "proof.json"). */
    public String source() { return source; }
    /** The section, field or offset within it. */
    public String where() { return where; }
    /** What is wrong there, without the source and place (for re-anchoring the error in another source). */
    public String problem() { return problem; }
}
