package dev.bastion.models.pull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of files and of a file's first bytes, read in 1 MiB blocks. */
final class Sha256 {
    static final int BUFFER = 1 << 20;

    private Sha256() {
    }

    /** The SHA-256 of a file, lowercase hex. */
    static String of(Path file) throws IOException {
        MessageDigest digest = digest();
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            update(digest, in, in.size());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Feeds the first {@code length} bytes of {@code in} to {@code digest} (positional reads; the position stays). */
    static void update(MessageDigest digest, FileChannel in, long length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(BUFFER);
        long pos = 0;
        while (pos < length) {
            b.clear().limit((int) Math.min(BUFFER, length - pos));
            int n = in.read(b, pos);
            if (n < 0) {
                throw new IOException("the file shrank while it was being read");
            }
            digest.update(b.flip());
            pos += n;
        }
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }
}
