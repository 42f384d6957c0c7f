package dev.bastion.gateway.config;

import dev.bastion.crypto.InsecureSecretAccess;
import dev.bastion.crypto.SecretBytes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Where a secret comes from: the name of an environment variable or a file. Secrets are never written in the
 * config file itself, so config can be printed and committed.
 */
public sealed interface SecretRef {

    /** Reads the secret; {@code env} is the process environment (passed in for tests). */
    SecretBytes resolve(Map<String, String> env);

    /** How to show this reference in {@code config print}: the source, never the value. */
    String describe();

    record FromEnv(String variable) implements SecretRef {
        public FromEnv {
            Objects.requireNonNull(variable, "variable");
            if (!variable.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException("'" + variable + "' is not a valid environment variable name");
            }
        }

        @Override
        public SecretBytes resolve(Map<String, String> env) {
            String value = env.get(variable);
            if (value == null || value.isBlank()) {
                throw new IllegalStateException("the environment variable " + variable + " is not set");
            }
            return SecretBytes.ofUtf8(value.strip(), InsecureSecretAccess.get());
        }

        @Override
        public String describe() {
            return "env:" + variable;
        }
    }

    record FromFile(Path file) implements SecretRef {
        public FromFile {
            Objects.requireNonNull(file, "file");
        }

        @Override
        public SecretBytes resolve(Map<String, String> env) {
            try {
                return SecretBytes.ofUtf8(Files.readString(file).strip(), InsecureSecretAccess.get());
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the secret file " + file + ": " + e.getClass().getSimpleName());
            }
        }

        @Override
        public String describe() {
            return "file:" + file;
        }
    }
}
