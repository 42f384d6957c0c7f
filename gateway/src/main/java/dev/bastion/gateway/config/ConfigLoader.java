package dev.bastion.gateway.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Loads the configuration in layers, lowest first: the reference file in the jar ({@code bastion-reference.yaml},
 * which documents every key and is the only source of defaults), the config file, environment variables
 * {@code BASTION_<KEY_PATH>}, and flags. Every key is checked: unknown keys and invalid values are collected and
 * reported together, each with its key path and, for file values, file and line.
 */
public final class ConfigLoader {
    static final String REFERENCE = "bastion-reference.yaml";
    static final String DEFAULT_FILE = "bastion.yaml";
    /** Keys an entry of {@code models} may have. */
    static final Set<String> MODEL_KEYS = Set.of("name", "backend", "base-url", "api-key-env", "api-key-file",
            "upstream-model", "location", "path", "connect-timeout", "read-timeout", "max-retries", "kind",
            "anthropic-version", "max-tokens", "pool");
    /** Keys an entry of {@code routes} may have. */
    static final Set<String> ROUTE_KEYS = Set.of("name", "models", "local-only", "input-scanners", "output-scanners",
            "actions", "default-action", "local-model", "deny-patterns", "storage", "retention", "content-retention",
            "allowed-link-hosts", "prompt-canary", "injection-threshold", "indirect-injection-threshold", "pseudonyms",
            "pii-mode");
    /** Keys an entry of {@code fairness-monitors} may have. */
    static final Set<String> FAIRNESS_KEYS = FairnessMonitorConfig.KEYS;
    private static final Set<String> INLINE_SECRETS = Set.of("api-key", "password", "keystore-password");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ConfigLoader() {
    }

    /**
     * @param explicitFile the file given with {@code --config}; it must exist
     * @param workingDir where {@code bastion.yaml} is looked for when no file is given
     * @param env the process environment
     * @param flags command-line overrides by dotted key path ({@code server.port}, {@code data-dir})
     * @param userHome the home directory, for {@code ~} in paths
     * @throws ConfigException listing every problem
     */
    public static LoadedConfig load(Optional<Path> explicitFile, Path workingDir, Map<String, String> env,
            Map<String, String> flags, Path userHome) {
        List<String> problems = new ArrayList<>();
        ObjectNode effective = (ObjectNode) reference();
        Map<String, String> origins = new LinkedHashMap<>();
        leaves(effective, "", (path, v) -> origins.put(path, "default"));

        Optional<Path> file = explicitFile.or(() -> Optional.of(workingDir.resolve(DEFAULT_FILE)).filter(Files::isRegularFile));
        if (explicitFile.isPresent() && !Files.isRegularFile(explicitFile.get())) {
            throw new ConfigException(List.of("the config file " + explicitFile.get() + " does not exist"));
        }
        Path baseDir = file.map(f -> f.toAbsolutePath().getParent()).orElse(workingDir);
        if (file.isPresent()) {
            Path f = file.get();
            Map<String, Integer> lines = new HashMap<>();
            JsonNode tree = readFile(f, lines);
            if (tree != null && !tree.isMissingNode() && !tree.isNull()) {
                if (!tree.isObject()) {
                    throw new ConfigException(List.of(f + ": the top level must be a mapping of keys"));
                }
                checkKeys((ObjectNode) tree, effective, "", f, lines, problems);
                if (problems.isEmpty()) {
                    merge(effective, (ObjectNode) tree);
                    leaves(tree, "", (path, v) -> origins.put(path, f + ":" + lines.getOrDefault(path, 0)));
                    origins.keySet().removeIf(p -> (p.startsWith("models[") || p.startsWith("routes[")
                            || p.startsWith("fairness-monitors["))
                            && origins.get(p).equals("default") && tree.has(p.substring(0, p.indexOf('['))));
                }
            }
        }
        applyEnv(effective, env, origins, problems);
        applyFlags(effective, flags, origins, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        GatewayConfig config = new ConfigMapper(effective, origins, baseDir, userHome, problems).map();
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new LoadedConfig(config, origins, file);
    }

    /** The reference file's tree: every key with its default. */
    static JsonNode reference() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(REFERENCE)) {
            if (in == null) {
                throw new IllegalStateException(REFERENCE + " is missing from the build");
            }
            return YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + REFERENCE, e);
        }
    }

    private static JsonNode readFile(Path file, Map<String, Integer> lines) {
        try {
            String text = Files.readString(file);
            recordLines(text, lines);
            return YAML.readTree(text);
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            throw new ConfigException(List.of(file + ": cannot read it as YAML: " + why));
        }
    }

    /** Records the line of every key path in a YAML text, for error messages and origins. */
    private static void recordLines(String text, Map<String, Integer> lines) throws IOException {
        try (JsonParser p = YAML.getFactory().createParser(text)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.FIELD_NAME) {
                    lines.put(pathOf(p.getParsingContext()), p.currentLocation().getLineNr());
                }
            }
        }
    }

    /** The key path of a parser position: {@code server.port}, {@code models[1].name}. */
    private static String pathOf(JsonStreamContext context) {
        Deque<String> parts = new ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            parts.push(c.inArray() ? "[" + c.getCurrentIndex() + "]" : "." + c.getCurrentName());
        }
        String path = String.join("", parts);
        return path.startsWith(".") ? path.substring(1) : path;
    }

    private static void checkKeys(ObjectNode given, ObjectNode known, String prefix, Path file,
            Map<String, Integer> lines, List<String> problems) {
        for (Map.Entry<String, JsonNode> e : given.properties()) {
            String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            String where = file + ":" + lines.getOrDefault(path, 0);
            JsonNode reference = known.get(e.getKey());
            if (reference == null) {
                problems.add(unknownKey(path, e.getKey(), where));
            } else if (path.equals("models") || path.equals("routes") || path.equals("fairness-monitors")) {
                checkEntries(e.getValue(), path, path.equals("models") ? MODEL_KEYS
                        : path.equals("routes") ? ROUTE_KEYS : FAIRNESS_KEYS, file, lines, problems);
            } else if (reference.isObject()) {
                if (e.getValue().isObject()) {
                    checkKeys((ObjectNode) e.getValue(), (ObjectNode) reference, path, file, lines, problems);
                } else if (!e.getValue().isNull()) {
                    problems.add(path + " (" + where + "): must be a mapping of keys");
                }
            } else if (reference.isArray()) {
                if (!e.getValue().isArray() && !e.getValue().isNull()) {
                    problems.add(path + " (" + where + "): must be a list");
                }
            } else if (e.getValue().isContainerNode()) {
                problems.add(path + " (" + where + "): must be a single value, not a list or mapping");
            }
        }
    }

    private static void checkEntries(JsonNode list, String path, Set<String> keys, Path file, Map<String, Integer> lines,
            List<String> problems) {
        if (!list.isArray()) {
            problems.add(path + " (" + file + ":" + lines.getOrDefault(path, 0) + "): must be a list");
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            String at = path + "[" + i + "]";
            if (!list.get(i).isObject()) {
                problems.add(at + " (" + file + "): each entry must be a mapping of keys");
                continue;
            }
            for (Iterator<String> names = list.get(i).fieldNames(); names.hasNext();) {
                String name = names.next();
                if (!keys.contains(name)) {
                    problems.add(unknownKey(at + "." + name, name, file + ":" + lines.getOrDefault(at + "." + name, 0)));
                }
            }
        }
    }

    private static String unknownKey(String path, String name, String where) {
        if (INLINE_SECRETS.contains(name)) {
            return path + " (" + where + "): secrets are never written in the config; use " + name + "-env (an "
                    + "environment variable's name) or " + name + "-file (a file's path)";
        }
        return path + " (" + where + "): unknown key; see bastion-reference.yaml for the valid keys";
    }

    private static void merge(ObjectNode into, ObjectNode from) {
        for (Map.Entry<String, JsonNode> e : from.properties()) {
            JsonNode existing = into.get(e.getKey());
            if (existing instanceof ObjectNode target && e.getValue() instanceof ObjectNode source) {
                merge(target, source);
            } else if (!e.getValue().isNull()) {
                into.set(e.getKey(), e.getValue().deepCopy());
            }
        }
    }

    /** The environment variable for a key path: BASTION_ and the path in upper snake case. */
    static String envName(String path) {
        return "BASTION_" + path.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }

    private static void applyEnv(ObjectNode effective, Map<String, String> env, Map<String, String> origins,
            List<String> problems) {
        Map<String, String> byEnvName = new HashMap<>();
        leaves(reference(), "", (path, v) -> {
            if (!path.contains("[")) {
                byEnvName.put(envName(path), path);
            }
        });
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(env).entrySet()) {
            String name = e.getKey();
            if (!name.startsWith("BASTION_") || name.equals("BASTION_JAVA_OPTS") || name.startsWith("BASTION_TEST_")) {
                continue;
            }
            String path = byEnvName.get(name);
            if (path == null) {
                problems.add("environment variable " + name + ": no config key has this name; "
                        + "see bastion-reference.yaml (for example BASTION_SERVER_PORT for server.port)");
                continue;
            }
            set(effective, path, e.getValue());
            origins.put(path, "env " + name);
        }
    }

    private static void applyFlags(ObjectNode effective, Map<String, String> flags, Map<String, String> origins,
            List<String> problems) {
        JsonNode reference = reference();
        for (Map.Entry<String, String> e : flags.entrySet()) {
            if (reference.at("/" + e.getKey().replace('.', '/')).isMissingNode()) {
                problems.add("flag for " + e.getKey() + ": no such config key");
                continue;
            }
            set(effective, e.getKey(), e.getValue());
            origins.put(e.getKey(), "flag");
        }
    }

    private static void set(ObjectNode root, String path, String value) {
        String[] parts = path.split("\\.");
        ObjectNode node = root;
        for (int i = 0; i < parts.length - 1; i++) {
            node = node.get(parts[i]) instanceof ObjectNode o ? o : node.putObject(parts[i]);
        }
        node.set(parts[parts.length - 1], TextNode.valueOf(value));
    }

    /** Visits every scalar (and empty container) with its path, such as {@code models[0].name}. */
    static void leaves(JsonNode node, String path, java.util.function.BiConsumer<String, JsonNode> visit) {
        if (node instanceof ObjectNode o && !o.isEmpty() && !isMapValue(path)) {
            o.properties().forEach(e -> leaves(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), visit));
        } else if (node instanceof ArrayNode a && !a.isEmpty() && (path.equals("models") || path.equals("routes")
                || path.equals("fairness-monitors"))) {
            for (int i = 0; i < a.size(); i++) {
                leaves(a.get(i), path + "[" + i + "]", visit);
            }
        } else {
            visit.accept(path, node);
        }
    }

    private static boolean isMapValue(String path) {
        return path.matches("routes\\[\\d+]\\.actions");
    }
}
