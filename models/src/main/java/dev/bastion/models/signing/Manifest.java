package dev.bastion.models.signing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What a model is made of, in the OpenSSF model signing "files" serialization: every regular file under the model
 * (or the model file itself, named {@code .}) with its SHA-256, keyed by its path relative to the model in POSIX
 * form, sorted. Paths listed in {@code ignorePaths} (relative; a directory ignores everything under it) are left
 * out; symbolic links are refused. Immutable.
 */
public record Manifest(String modelName, SortedMap<String, String> digests, List<String> ignorePaths) {
    /** Ignored by default, as the reference implementation does. */
    public static final List<String> DEFAULT_IGNORES = List.of(".git", ".gitattributes", ".gitignore", ".github");

    public Manifest {
        digests = Collections.unmodifiableSortedMap(new TreeMap<>(digests));
        ignorePaths = List.copyOf(ignorePaths);
    }

    /** Hashes the model at {@code model}. */
    public static Manifest of(Path model, List<String> ignorePaths) throws IOException {
        String name = model.toAbsolutePath().normalize().getFileName().toString();
        SortedMap<String, String> digests = new TreeMap<>();
        if (Files.isSymbolicLink(model)) {
            throw new IllegalArgumentException(model + " is a symbolic link; sign the real file");
        }
        if (Files.isRegularFile(model, LinkOption.NOFOLLOW_LINKS)) {
            digests.put(".", sha256(model));
            return new Manifest(name, digests, ignorePaths);
        }
        if (!Files.isDirectory(model, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException(model + " is neither a file nor a directory");
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(model)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                String rel = relative(model, p);
                if (rel.isEmpty() || ignored(rel, ignorePaths)) {
                    continue;
                }
                if (Files.isSymbolicLink(p)) {
                    throw new IllegalArgumentException("symbolic link in the model: " + rel + " (links are not signed)");
                }
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    files.add(p);
                }
            }
        }
        for (Path f : files) {
            digests.put(relative(model, f), sha256(f));
        }
        return new Manifest(name, digests, ignorePaths);
    }

    /** SHA-256 over the raw digests in name order: the statement's subject digest. */
    public String rootDigest() {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, String> e : digests.entrySet()) {
                d.update(HexFormat.of().parseHex(e.getValue()));
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean ignored(String rel, List<String> ignorePaths) {
        for (String i : ignorePaths) {
            String norm = i.startsWith("./") ? i.substring(2) : i;
            if (rel.equals(norm) || rel.startsWith(norm + "/")) {
                return true;
            }
        }
        return false;
    }

    private static String relative(Path root, Path p) {
        return root.relativize(p).toString().replace('\\', '/');
    }

    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
