package dev.bastion.models.signing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A Sigstore bundle (v0.3 JSON) holding a DSSE envelope signed with a private key: no certificate and no
 * transparency-log entry, the public key identified by a hint (hex SHA-256 of its PEM text), as the OpenSSF model
 * signing reference implementation writes for key-based signing.
 */
public record SignatureBundle(byte[] payload, String payloadType, byte[] signature, Optional<String> keyHint) {
    public static final String MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";
    private static final long MAX_BYTES = 64L << 20;

    public SignatureBundle {
        payload = payload.clone();
        signature = signature.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** The hint for {@code key}: hex SHA-256 of its PEM encoding. */
    public static String hint(PublicKey key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                    Pem.publicKey(key).getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public void write(Path file) throws IOException {
        ObjectNode root = Statement.JSON.createObjectNode();
        root.put("mediaType", MEDIA_TYPE);
        ObjectNode material = root.putObject("verificationMaterial");
        keyHint.ifPresent(h -> material.putObject("publicKey").put("hint", h));
        material.putArray("tlogEntries");
        ObjectNode envelope = root.putObject("dsseEnvelope");
        envelope.put("payload", Base64.getEncoder().encodeToString(payload));
        envelope.put("payloadType", payloadType);
        ObjectNode sig = envelope.putArray("signatures").addObject();
        sig.put("sig", Base64.getEncoder().encodeToString(signature));
        sig.put("keyid", "");
        Files.writeString(file, Statement.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
    }

    /**
     * Reads a bundle file.
     *
     * @throws IllegalArgumentException naming what is missing or malformed
     */
    public static SignatureBundle read(Path file) throws IOException {
        if (Files.size(file) > MAX_BYTES) {
            throw new IllegalArgumentException(file + " is larger than a signature bundle can be");
        }
        JsonNode root;
        try {
            root = Statement.JSON.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " is not JSON");
        }
        if (root == null || !root.path("mediaType").asText().startsWith("application/vnd.dev.sigstore.bundle")) {
            throw new IllegalArgumentException(file + " is not a Sigstore bundle (no bundle mediaType)");
        }
        JsonNode env = root.path("dsseEnvelope");
        if (env.isMissingNode() || !env.path("signatures").isArray() || env.path("signatures").isEmpty()) {
            throw new IllegalArgumentException(file + " has no DSSE envelope with a signature");
        }
        try {
            byte[] payload = Base64.getDecoder().decode(env.path("payload").asText());
            byte[] sig = Base64.getDecoder().decode(env.path("signatures").get(0).path("sig").asText());
            String hint = root.path("verificationMaterial").path("publicKey").path("hint").asText("");
            return new SignatureBundle(payload, env.path("payloadType").asText(), sig,
                    hint.isEmpty() ? Optional.empty() : Optional.of(hint));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": payload or signature is not valid base64");
        }
    }
}
