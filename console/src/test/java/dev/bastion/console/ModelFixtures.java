package dev.bastion.console;

import dev.bastion.models.signing.ModelSigning;
import dev.bastion.models.signing.Pem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.util.List;

/**
 * Three small local models for the models page, made in a test directory: a folder signed with an Ed25519 key the
 * gateway trusts ("signed"), a single unsigned file ("unsigned"), and a signed folder changed after signing
 * ("tampered"). The signing key comes from a fixed seed, so the signer and the pages are the same on every run.
 */
final class ModelFixtures {
    private ModelFixtures() {
    }

    /** The models' YAML entries (under {@code models:}) and the {@code model-security} section, loading lazily. */
    static String yaml(Path dir) {
        try {
            KeyPair pair = fixedKeyPair();
            Path pub = dir.resolve("model-signing.pub");
            Files.writeString(pub, Pem.publicKey(pair.getPublic()));
            Path signed = folder(dir.resolve("signed"), "tensor-a");
            ModelSigning.sign(signed, pair.getPrivate(), pair.getPublic(), ModelSigning.defaultSignaturePath(signed), List.of());
            Path tampered = folder(dir.resolve("tampered"), "tensor-b");
            ModelSigning.sign(tampered, pair.getPrivate(), pair.getPublic(), ModelSigning.defaultSignaturePath(tampered),
                    List.of());
            Files.write(tampered.resolve("model.safetensors"), safetensors("tensor-c"));
            Path unsigned = dir.resolve("unsigned.safetensors");
            Files.write(unsigned, safetensors("tensor-d"));
            return "local-engine:\n  load: lazy\nmodel-security:\n  trusted-keys: [\"" + pub + "\"]\nmodels:\n"
                    + local("signed", signed) + local("unsigned", unsigned) + local("tampered", tampered);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String local(String name, Path path) {
        return "  - name: " + name + "\n    backend: local\n    path: \"" + path + "\"\n";
    }

    private static Path folder(Path dir, String tensor) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve("model.safetensors"), safetensors(tensor));
        Files.writeString(dir.resolve("config.json"), "{\"architectures\":[\"TinyForTests\"]}");
        return dir;
    }

    /** A safetensors file with one F32 tensor of one value: 8-byte header length, JSON header, data. */
    static byte[] safetensors(String tensor) {
        byte[] header = ("{\"" + tensor + "\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}")
                .getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + header.length + 4).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length)
                .put(header).putFloat(1.5f).array();
    }

    private static KeyPair fixedKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
            g.initialize(NamedParameterSpec.ED25519, new SecureRandom() {
                private static final long serialVersionUID = 1L;

                @Override
                public void nextBytes(byte[] bytes) {
                    for (int i = 0; i < bytes.length; i++) {
                        bytes[i] = (byte) (i * 7 + 1);
                    }
                }
            });
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
