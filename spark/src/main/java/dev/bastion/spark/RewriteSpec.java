package dev.bastion.spark;

import dev.bastion.guard.pii.PiiMode;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * What every executor needs to rewrite text the same way: shipped with each task, so it holds paths and names, never
 * key bytes. The key files must be readable at the same path on every executor (a shared mount, or
 * {@code spark-submit --files} with the working-directory name).
 *
 * @param columns the string columns to rewrite, in input order
 * @param operator redact, tag, mask, hash or pseudonymise
 * @param keepLast characters {@code mask} keeps
 * @param mode the pii scanner's mode
 * @param hashKey the Tink HMAC keyset of {@code hash} and {@code pseudonymise} ({@code <data-dir>/keys/pii-hash.json}),
 *     empty for the other operators
 * @param masterKey the Tink AEAD master keyset that seals vault rows, empty unless {@code pseudonymise}
 * @param vaultUrl the vault's JDBC URL ({@code jdbc:sqlite:...} or {@code jdbc:postgresql:...}), empty unless
 *     {@code pseudonymise}
 */
public record RewriteSpec(List<String> columns, String operator, int keepLast, PiiMode mode, String hashKey,
        String masterKey, String vaultUrl) implements Serializable {
    private static final long serialVersionUID = 1L;
    static final List<String> OPERATORS = List.of("redact", "tag", "mask", "hash", "pseudonymise");

    public RewriteSpec {
        columns = List.copyOf(columns);
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(hashKey, "hashKey");
        Objects.requireNonNull(masterKey, "masterKey");
        Objects.requireNonNull(vaultUrl, "vaultUrl");
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("name at least one column to rewrite (--columns)");
        }
        if (!OPERATORS.contains(operator)) {
            throw new IllegalArgumentException("--operator is redact, tag, mask, hash or pseudonymise, got '" + operator
                    + "' (encrypt is left out: its tokens differ on every run, so a retried task would write different output)");
        }
        if (keepLast < 0 || keepLast > 64) {
            throw new IllegalArgumentException("--keep-last is 0 to 64, got " + keepLast);
        }
        boolean pseudonymise = operator.equals("pseudonymise"); // the accessor reads fields, not yet assigned here
        boolean keyed = operator.equals("hash") || pseudonymise;
        if (keyed == hashKey.isEmpty()) {
            throw new IllegalArgumentException(keyed ? operator + " needs the keyed-hash keyset (--keys DIR)"
                    : "a keyed-hash keyset is only for hash and pseudonymise");
        }
        if (pseudonymise == vaultUrl.isEmpty() || pseudonymise == masterKey.isEmpty()) {
            throw new IllegalArgumentException(pseudonymise ? "pseudonymise needs --vault JDBC-URL and the master key"
                    : "--vault is only for pseudonymise");
        }
    }

    /** Whether surrogates are written to the vault so that they can be restored. */
    public boolean pseudonymise() {
        return operator.equals("pseudonymise");
    }
}
