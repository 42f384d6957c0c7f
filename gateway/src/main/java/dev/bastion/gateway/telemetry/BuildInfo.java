package dev.bastion.gateway.telemetry;

import java.util.Objects;
import java.util.jar.Attributes;
import java.util.jar.JarFile;

/**
 * Which build is running: the version and source commit, from the jar manifest's {@code Implementation-Version} and
 * {@code Bastion-Commit} (or {@code SCM-Revision}) entries, {@code development}/{@code unknown} when run from classes.
 */
public record BuildInfo(String version, String commit) {
    public static final BuildInfo DEVELOPMENT = new BuildInfo("development", "unknown");

    public BuildInfo {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(commit, "commit");
        if (version.isBlank() || commit.isBlank()) {
            throw new IllegalArgumentException("version and commit must not be blank");
        }
    }

    /** The build of the jar {@code anchor} was loaded from. */
    public static BuildInfo of(Class<?> anchor) {
        String version = anchor.getPackage().getImplementationVersion();
        String commit = null;
        try {
            var source = anchor.getProtectionDomain().getCodeSource();
            java.nio.file.Path location = source == null ? null : java.nio.file.Path.of(source.getLocation().toURI());
            if (location != null && java.nio.file.Files.isRegularFile(location)) {
                try (JarFile jar = new JarFile(location.toFile())) {
                    Attributes main = jar.getManifest() == null ? new Attributes() : jar.getManifest().getMainAttributes();
                    commit = main.getValue("Bastion-Commit") != null ? main.getValue("Bastion-Commit")
                            : main.getValue("SCM-Revision");
                }
            }
        } catch (java.io.IOException | java.net.URISyntaxException | RuntimeException e) {
            commit = null; // an unreadable manifest: the commit is unknown
        }
        return new BuildInfo(version == null || version.isBlank() ? DEVELOPMENT.version() : version,
                commit == null || commit.isBlank() ? DEVELOPMENT.commit() : commit);
    }
}
