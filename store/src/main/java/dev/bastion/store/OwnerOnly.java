package dev.bastion.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Files and directories readable by their owner only: files 0600, directories 0700. Everything under the data
 * directory holds keys, prompts or their hashes, so nothing there is created readable by other users.
 *
 * <p>On a file system without POSIX permissions (Windows) the methods create plainly and change nothing. This class
 * is stateless and thread-safe.
 */
public final class OwnerOnly {
    private static final System.Logger LOG = System.getLogger(OwnerOnly.class.getName());
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_BITS = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
    /** SQLite's side files: they take the mode of the database file when SQLite creates them. */
    private static final List<String> SQLITE_SIDE_FILES = List.of("-wal", "-shm", "-journal");

    /*
     * SQLite creates a database file 0644 (SQLITE_DEFAULT_FILE_PERMISSIONS) and gives its -wal, -shm and -journal
     * files the mode of the database file (os_unix.c, findCreateFileMode). So creating the empty database file 0600
     * before the driver opens it makes every file SQLite writes for it 0600; an empty file is a valid empty database.
     */

    private OwnerOnly() {
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    /** Creates {@code dir} and missing parents 0700; an existing one loses its group and other permissions. */
    public static void directory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            if (posix()) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
            } else {
                Files.createDirectories(dir);
            }
        }
        narrow(dir);
    }

    /**
     * Prepares an SQLite database file: created empty 0600 if missing, otherwise the file and any side files it has
     * lose their group and other permissions (older versions wrote them 0644).
     */
    public static void sqliteFile(Path db) {
        try {
            Path parent = db.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                directory(parent);
            }
            if (!Files.exists(db, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    Files.createFile(db, attributes(FILE));
                } catch (FileAlreadyExistsException raced) {
                    // created by someone else meanwhile: narrowed below
                }
            }
            narrow(db);
            for (String suffix : SQLITE_SIDE_FILES) {
                Path side = db.resolveSibling(db.getFileName() + suffix);
                if (Files.exists(side, LinkOption.NOFOLLOW_LINKS)) {
                    narrow(side);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the database file " + db + " owner-only ("
                    + e.getClass().getSimpleName() + ")", e);
        }
    }

    /**
     * Takes the group and other permissions away from everything under {@code root} (not following symbolic
     * links), and says in the log how many it changed. A path it may not change is named in a warning and left. Files from older versions, or written by hand, become
     * private at the next start.
     */
    public static void narrowTree(Path root) throws IOException {
        if (!posix() || !Files.isDirectory(root)) {
            return;
        }
        List<Path> paths;
        try (Stream<Path> all = Files.walk(root)) {
            paths = all.toList();
        } catch (UncheckedIOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot list everything under " + root + " ("
                    + e.getCause().getClass().getSimpleName() + "); its permissions are left as they are");
            return;
        }
        int changed = 0;
        for (Path p : paths) {
            if (Files.isSymbolicLink(p)) {
                continue;
            }
            try {
                changed += narrow(p) ? 1 : 0;
            } catch (IOException e) {
                // not ours to change (another owner, a read-only mount): say so, and start anyway
                LOG.log(System.Logger.Level.WARNING, "cannot make " + p + " readable by its owner only ("
                        + e.getClass().getSimpleName() + "); other users may read it");
            }
        }
        if (changed > 0) {
            LOG.log(System.Logger.Level.INFO, "made " + changed + " files and directories under " + root
                    + " readable by their owner only");
        }
    }

    private static FileAttribute<?>[] attributes(Set<PosixFilePermission> mode) {
        return posix() ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(mode)} : new FileAttribute<?>[0];
    }

    /**
     * Takes away every group and other permission; the owner's own bits stay as they are (a read-only key file
     * stays read-only). Returns whether it changed anything.
     */
    private static boolean narrow(Path p) throws IOException {
        if (!posix()) {
            return false;
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        Set<PosixFilePermission> owner = EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission bit : mode) {
            if (OWNER_BITS.contains(bit)) {
                owner.add(bit);
            }
        }
        if (owner.equals(mode)) {
            return false;
        }
        Files.setPosixFilePermissions(p, owner);
        return true;
    }
}
