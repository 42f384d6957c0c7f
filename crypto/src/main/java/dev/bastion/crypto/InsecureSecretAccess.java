package dev.bastion.crypto;

/**
 * A capability token that must be passed to read secret material in the clear.
 *
 * <p>Every place that reads a secret's raw bytes calls {@link #get()}, so {@code grep InsecureSecretAccess}
 * lists them all. Hold it only for the duration of the call that needs the bytes.
 */
public final class InsecureSecretAccess {
    private static final InsecureSecretAccess INSTANCE = new InsecureSecretAccess();

    private InsecureSecretAccess() {
    }

    /** Returns the token; calling this is the explicit acknowledgement that a secret is about to be read. */
    public static InsecureSecretAccess get() {
        return INSTANCE;
    }
}
