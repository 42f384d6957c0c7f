package dev.bastion.privacy.fl;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.Collection;

/**
 * The canonical byte encoding of protocol values: what signatures cover, what AEAD associated data binds and what
 * the byte counts of a round measure. Big-endian, every variable-length field length-prefixed, so two different
 * values never encode alike. Not thread-safe.
 */
final class Wire {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final DataOutputStream out = new DataOutputStream(bytes);

    static Wire of(String label) {
        return new Wire().text(label);
    }

    Wire text(String s) {
        try {
            out.writeUTF(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    Wire number(long v) {
        try {
            out.writeLong(v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    Wire id(int v) {
        try {
            out.writeInt(v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    Wire blob(byte[] b) {
        id(b.length);
        return raw(b);
    }

    Wire ids(Collection<Integer> ids) {
        id(ids.size());
        ids.stream().sorted().forEach(this::id);
        return this;
    }

    Wire element(BigInteger v) {
        return raw(Shamir.toBytes(v, Shamir.ELEMENT_BYTES));
    }

    private Wire raw(byte[] b) {
        try {
            out.write(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    Wire header(Messages.Header h) {
        return text(h.federation()).number(h.round()).text(h.stage().name()).id(h.sender());
    }

    byte[] bytes() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
