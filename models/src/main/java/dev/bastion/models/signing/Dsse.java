package dev.bastion.models.signing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** DSSE's pre-authentication encoding (secure-systems-lab/dsse protocol v1): what is actually signed. */
final class Dsse {
    private Dsse() {
    }

    /** {@code "DSSEv1" SP len(type) SP type SP len(body) SP body}, lengths in decimal bytes. */
    static byte[] pae(String payloadType, byte[] payload) {
        byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + type.length + 32);
        out.writeBytes(("DSSEv1 " + type.length + " ").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(type);
        out.writeBytes((" " + payload.length + " ").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(payload);
        return out.toByteArray();
    }
}
