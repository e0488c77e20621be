package org.ppfarm.loadtest;

/**
 * A campaign setting (a flag or a campaign file's key) that cannot be used: one line naming the key and the problem.
 * Thrown before any load is sent; {@code ppfarm load} answers it with exit code 2.
 */
public final class LoadSettingException extends RuntimeException {
    public LoadSettingException(String key, String problem) {
        super(key + ": " + problem);
    }
}
