package org.ppfarm.privacypool.protocol;

/** The note's label is not in the ASP's approved set: the deposit cannot be withdrawn privately (ragequit instead). */
public final class LabelNotInAspTreeException extends InputRejectedException {
    public LabelNotInAspTreeException(int aspSize) {
        super("note.label", "not among the " + aspSize + " labels the ASP approved (ragequit is the way out)");
    }
}
