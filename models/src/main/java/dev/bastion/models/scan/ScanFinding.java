package dev.bastion.models.scan;

/**
 * One thing a scan found. {@code UNSAFE} means loading the model could run code or read outside it (refuse);
 * {@code MALFORMED} means the file breaks its format's rules (refuse: parsers in C/C++ have overflowed on such
 * files); {@code NOTE} is informational.
 */
public record ScanFinding(Severity severity, String file, String code, String message) {
    public enum Severity { UNSAFE, MALFORMED, NOTE }

    public ScanFinding {
        if (severity == null || file == null || code == null || message == null) {
            throw new IllegalArgumentException("every field of a finding is required");
        }
    }

    public String describe() {
        return severity.name().toLowerCase(java.util.Locale.ROOT) + " " + file + ": " + code + ": " + message;
    }
}
