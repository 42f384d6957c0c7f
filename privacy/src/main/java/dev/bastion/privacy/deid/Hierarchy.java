package dev.bastion.privacy.deid;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A generalisation hierarchy for one quasi-identifier, in ARX's CSV format: one line per original value, holding the
 * value and then its generalisations from the least to the most general, separated by {@code ;} (level 0 is the
 * value itself). Every line has the same number of levels, and a value generalised at a level always falls in one
 * group at every higher level. Immutable and thread-safe.
 *
 * <pre>
 * 34;30-39;30-49;*
 * 35;35-39;30-49;*     &lt;- refused: 35 and 34 share 30-49 but not the level below
 * </pre>
 */
public final class Hierarchy {
    private final String column;
    private final Map<String, String[]> rows;
    private final int levels;
    /** For each level, how many original values each generalised value covers. */
    private final List<Map<String, Integer>> leaves;

    private Hierarchy(String column, Map<String, String[]> rows, int levels) {
        this.column = column;
        this.rows = rows;
        this.levels = levels;
        this.leaves = new ArrayList<>();
        for (int level = 0; level < levels; level++) {
            Map<String, Integer> count = new HashMap<>();
            for (String[] row : rows.values()) {
                count.merge(row[level], 1, Integer::sum);
            }
            leaves.add(count);
        }
    }

    /** Reads {@code file} as the hierarchy of {@code column}; errors name the file and line. */
    public static Hierarchy read(String column, Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<String[]> parsed = new ArrayList<>();
        for (String line : lines) {
            if (!line.isBlank()) {
                parsed.add(line.split(";", -1));
            }
        }
        return of(column, parsed, file.getFileName().toString());
    }

    /**
     * Builds a hierarchy from its rows (each: the value, then its generalisations); {@code source} names them in
     * errors.
     */
    public static Hierarchy of(String column, List<String[]> lines, String source) {
        Objects.requireNonNull(column, "column");
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(source + ": the hierarchy of '" + column + "' is empty");
        }
        int levels = lines.getFirst().length;
        Map<String, String[]> rows = new LinkedHashMap<>();
        List<Map<String, String>> parentOf = new ArrayList<>();
        for (int level = 0; level < levels; level++) {
            parentOf.add(new HashMap<>());
        }
        for (int i = 0; i < lines.size(); i++) {
            String[] cells = lines.get(i);
            if (cells.length != levels) {
                throw new IllegalArgumentException(source + " line " + (i + 1) + ": " + cells.length
                        + " levels, but the first line has " + levels);
            }
            String[] row = new String[levels];
            for (int level = 0; level < levels; level++) {
                row[level] = cells[level].strip();
            }
            if (rows.put(row[0], row) != null) {
                throw new IllegalArgumentException(source + " line " + (i + 1) + ": a value appears twice");
            }
            for (int level = 1; level < levels; level++) {
                String previous = parentOf.get(level).putIfAbsent(row[level - 1], row[level]);
                if (previous != null && !previous.equals(row[level])) {
                    throw new IllegalArgumentException(source + " line " + (i + 1) + ": level " + (level - 1)
                            + " group generalises to two different groups at level " + level
                            + " (a hierarchy must be a tree)");
                }
            }
        }
        return new Hierarchy(column, rows, levels);
    }

    public String column() {
        return column;
    }

    /** The number of levels, the original values' level 0 included. */
    public int levels() {
        return levels;
    }

    /** Whether {@code value} has a line in this hierarchy. */
    public boolean covers(String value) {
        return rows.containsKey(value);
    }

    /** {@code value} generalised to {@code level}; the value must be covered. */
    public String generalise(String value, int level) {
        String[] row = rows.get(value);
        if (row == null) {
            throw new IllegalArgumentException("a value of column '" + column + "' has no line in its hierarchy");
        }
        return row[level];
    }

    /** How many original values the generalised value {@code group} at {@code level} stands for. */
    public int leavesUnder(String group, int level) {
        return leaves.get(level).getOrDefault(group, 0);
    }

    /** The number of original values. */
    public int size() {
        return rows.size();
    }
}
