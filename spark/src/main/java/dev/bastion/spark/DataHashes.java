package dev.bastion.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * SHA-256 of a job's data: of each file under a path (through Hadoop's file systems, so HDFS and object stores
 * too), and one digest of the whole set, SHA-256 over the lines {@code <sha256 hex>  <relative path>\n} in path
 * order (the format of {@code sha256sum}), so an operator can recompute it from the files. Files whose name
 * starts with {@code _} or {@code .} (Spark's markers and checksums) are left out, as Spark's readers leave them out.
 *
 * @param files each file's relative path and SHA-256, in path order
 * @param bytes the total size
 * @param sha256 the digest of the set
 */
record DataHashes(List<FileHash> files, long bytes, String sha256) {
    /** One file. */
    record FileHash(String path, long bytes, String sha256) {
        FileHash {
            Objects.requireNonNull(path, "path");
            if (bytes < 0 || sha256.length() != 64) {
                throw new IllegalArgumentException("a file hash is 64 hex digits of a file of 0 or more bytes");
            }
        }
    }

    DataHashes {
        files = List.copyOf(files);
    }

    /** Hashes the file at {@code location}, or every data file below it when it is a directory. */
    static DataHashes of(String location, Configuration hadoop) {
        try {
            FileSystem fs = new Path(location).getFileSystem(hadoop);
            Path root = fs.makeQualified(new Path(location));
            FileStatus top = fs.getFileStatus(root);
            List<FileStatus> found = new ArrayList<>();
            if (top.isFile()) {
                found.add(top);
            } else {
                RemoteIterator<org.apache.hadoop.fs.LocatedFileStatus> it = fs.listFiles(root, true);
                while (it.hasNext()) {
                    FileStatus f = it.next();
                    if (!hidden(root, f.getPath())) {
                        found.add(f);
                    }
                }
            }
            String rootUri = (top.isFile() ? root.getParent() : root).toUri().getPath();
            List<FileHash> files = new ArrayList<>();
            long bytes = 0;
            for (FileStatus f : found) {
                String path = f.getPath().toUri().getPath();
                String relative = path.startsWith(rootUri + "/") ? path.substring(rootUri.length() + 1) : f.getPath().getName();
                files.add(new FileHash(relative, f.getLen(), sha256(fs, f.getPath())));
                bytes += f.getLen();
            }
            files.sort(java.util.Comparator.comparing(FileHash::path));
            MessageDigest all = digest();
            for (FileHash f : files) {
                all.update((f.sha256() + "  " + f.path() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return new DataHashes(files, bytes, HexFormat.of().formatHex(all.digest()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hash the data at " + location, e);
        }
    }

    private static boolean hidden(Path root, Path file) {
        for (Path p = file; p != null && !p.equals(root) && p.getParent() != null; p = p.getParent()) {
            if (p.getName().startsWith("_") || p.getName().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static String sha256(FileSystem fs, Path file) throws IOException {
        MessageDigest d = digest();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = fs.open(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                d.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
