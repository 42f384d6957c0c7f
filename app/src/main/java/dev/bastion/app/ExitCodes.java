package dev.bastion.app;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The exit codes of every {@code bastion} command, in one place, and the list {@code --help} prints. Commands return
 * these constants; nothing else is returned. This class is immutable.
 */
final class ExitCodes {
    /** The command did what was asked and found nothing wrong. */
    static final int OK = 0;
    /**
     * The command ran and the answer is "no": a scan found something, a verification failed, a key or record was not
     * there; or the command stopped on an error (the reason is on standard error).
     */
    static final int FAILED = 1;
    /** The command line was wrong (unknown option, missing argument), or an input could not be read as asked. */
    static final int USAGE = 2;
    /**
     * Refused: a privacy budget would have been exceeded (dp query, synth), or an assessment broke one of its rules
     * (assess: --fail-on, or the epsilon its attacks prove).
     */
    static final int REFUSED = 3;

    private ExitCodes() {
    }

    /** Code to meaning, in the order {@code --help} lists them. */
    static Map<String, String> helpList() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(Integer.toString(OK), "Success: done, and nothing found or wrong.");
        m.put(Integer.toString(FAILED), "Found or failed: a scan found something, a check failed, or an error "
                + "(the reason is on standard error).");
        m.put(Integer.toString(USAGE), "Usage: a wrong option or argument, or an input that could not be read.");
        m.put(Integer.toString(REFUSED), "Refused: the privacy budget would be exceeded (dp query, synth), or an "
                + "assessment broke a rule (assess).");
        return m;
    }
}
