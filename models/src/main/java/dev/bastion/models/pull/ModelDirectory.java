package dev.bastion.models.pull;

import dev.bastion.models.scan.FormatException;
import dev.bastion.models.scan.GgufInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The models in a model directory: every regular {@code *.gguf} file directly inside it (not the {@code .partial}
 * downloads), with its size, what its header says, and the SHA-256 recorded by the pull that installed it. Files are
 * read, never hashed here (that is {@code bastion model info}).
 */
public final class ModelDirectory {
    private static final Pattern SIDECAR = Pattern.compile("([0-9a-f]{64}) [ *](.+)");

    private ModelDirectory() {
    }

    /**
     * One model file. Text fields are empty when unknown: {@code sha256} when no pull recorded it, {@code problem}
     * unless the header could not be read (then it says why).
     */
    public record Entry(String name, Path file, long size, String architecture, String quantisation, String sha256,
            String problem) {
        public Entry {
            if (name == null || file == null || architecture == null || quantisation == null || sha256 == null
                    || problem == null) {
                throw new IllegalArgumentException("entry fields are empty when unknown, never null");
            }
        }
    }

    /** The models, by name; an absent directory has none. */
    public static List<Entry> list(Path dir) throws IOException {
        List<Entry> out = new ArrayList<>();
        for (Path f : files(dir)) {
            out.add(entry(f));
        }
        out.sort(Comparator.comparing(Entry::name));
        return out;
    }

    /** The model files, without reading them: every regular {@code *.gguf} file directly inside {@code dir}. */
    public static List<Path> files(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.{gguf,GGUF}")) {
            for (Path f : files) {
                if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    out.add(f);
                }
            }
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    /** A model's name: its file name without {@code .gguf}. */
    public static String name(Path file) {
        String n = file.getFileName().toString();
        return n.substring(0, n.length() - 5);
    }

    private static Entry entry(Path f) throws IOException {
        String name = name(f);
        long size = Files.size(f);
        Optional<String> sha = recordedSha256(f);
        try {
            GgufInfo g = GgufInfo.read(f);
            ModelInfo view = new ModelInfo(f, size, sha.orElse(""), g);
            Optional<String> quant = view.fileType().or(() -> g.tensorTypes().entrySet().stream()
                    .filter(e -> !e.getKey().equals("F32")).max(java.util.Map.Entry.comparingByValue())
                    .map(e -> e.getKey().toUpperCase(Locale.ROOT)));
            return new Entry(name, f, size, view.architecture().orElse(""), quant.orElse(""), sha.orElse(""), "");
        } catch (FormatException e) {
            return new Entry(name, f, size, "", "", sha.orElse(""), "not a readable GGUF file: " + e.getMessage());
        }
    }

    /** The hash in {@code NAME.gguf.sha256} if it is there, well formed and names this file. */
    static Optional<String> recordedSha256(Path model) throws IOException {
        Path sidecar = Puller.sidecarFor(model);
        if (!Files.isRegularFile(sidecar) || Files.size(sidecar) > 4096) {
            return Optional.empty();
        }
        var m = SIDECAR.matcher(Files.readString(sidecar, StandardCharsets.UTF_8).strip());
        return m.matches() && m.group(2).equals(model.getFileName().toString())
                ? Optional.of(m.group(1)) : Optional.empty();
    }
}
