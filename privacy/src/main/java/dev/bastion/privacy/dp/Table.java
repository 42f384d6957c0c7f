package dev.bastion.privacy.dp;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * A CSV table held in memory: a header row and string cells (RFC 4180 quoting; {@code .gz} files are decompressed).
 * Malformed input (invalid UTF-8, an unterminated quote, a row with the wrong number of cells, a duplicate column)
 * is refused with {@link IllegalArgumentException} naming the file and line, never a cell's value. Immutable.
 */
public final class Table {
    private final List<String> columns;
    private final List<String[]> rows;

    Table(List<String> columns, List<String[]> rows) {
        this.columns = List.copyOf(columns);
        this.rows = List.copyOf(rows);
    }

    /**
     * A table built in memory (a release, synthetic data, shadow datasets for attacks): the columns must be distinct
     * and every row must have one cell per column.
     */
    public static Table of(List<String> columns, List<String[]> rows) {
        if (new java.util.HashSet<>(columns).size() != columns.size()) {
            throw new IllegalArgumentException("a column appears twice in " + columns);
        }
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).length != columns.size()) {
                throw new IllegalArgumentException("row " + (i + 1) + " has " + rows.get(i).length
                        + " cells, but there are " + columns.size() + " columns");
            }
        }
        return new Table(columns, rows);
    }

    /**
     * Writes a header and rows as RFC 4180 CSV (cells with a comma, quote, line break or surrounding white space are
     * quoted, so they read back as written), UTF-8, to a
     * temporary file moved over {@code file} at the end, so a failed write leaves no half-written file.
     */
    public static void write(Path file, List<String> columns, List<String[]> rows) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
        try (java.io.Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            writeRow(out, columns.toArray(String[]::new));
            for (String[] row : rows) {
                writeRow(out, row);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static void writeRow(java.io.Writer out, String[] cells) throws IOException {
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                out.write(',');
            }
            String c = cells[i];
            if (c.indexOf(',') >= 0 || c.indexOf('"') >= 0 || c.indexOf('\n') >= 0 || c.indexOf('\r') >= 0
                    || !c.equals(c.strip())) {
                out.write('"');
                out.write(c.replace("\"", "\"\""));
                out.write('"');
            } else {
                out.write(c);
            }
        }
        out.write("\r\n");
    }

    /** The cells of row {@code row}, stripped, as a new array. */
    public String[] row(int row) {
        String[] cells = rows.get(row).clone();
        for (int i = 0; i < cells.length; i++) {
            cells[i] = cells[i].strip();
        }
        return cells;
    }

    public static Table read(Path file) throws IOException {
        return read(file, true);
    }

    /** Reads {@code file}; without a header row the columns are named c1, c2, ... */
    public static Table read(Path file, boolean header) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
            Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
            return parse(reader, file.toString(), header);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(file + " is not valid UTF-8");
        }
    }

    static Table parse(Reader reader, String name) throws IOException {
        return parse(reader, name, true);
    }

    static Table parse(Reader reader, String name, boolean hasHeader) throws IOException {
        CsvReader csv = new CsvReader(reader, name);
        Optional<String[]> header = csv.next();
        if (header.isEmpty()) {
            throw new IllegalArgumentException(name + " is empty" + (hasHeader ? ": a header row is needed" : ""));
        }
        List<String[]> rows = new ArrayList<>();
        String[] names = header.get();
        if (!hasHeader) {
            rows.add(names);
            names = new String[names.length];
            for (int i = 0; i < names.length; i++) {
                names[i] = "c" + (i + 1);
            }
        }
        List<String> columns = new ArrayList<>();
        for (String c : names) {
            String trimmed = c.strip();
            if (columns.contains(trimmed)) {
                throw new IllegalArgumentException(name + " line 1: column '" + trimmed + "' appears twice");
            }
            columns.add(trimmed);
        }
        for (Optional<String[]> row = csv.next(); row.isPresent(); row = csv.next()) {
            String[] cells = row.get();
            if (cells.length == 1 && cells[0].isBlank()) {
                continue;
            }
            if (cells.length != columns.size()) {
                throw new IllegalArgumentException(name + " line " + csv.line() + ": " + cells.length
                        + " cells, but the header has " + columns.size());
            }
            rows.add(cells);
        }
        return new Table(columns, rows);
    }

    public List<String> columns() {
        return columns;
    }

    public int size() {
        return rows.size();
    }

    /** The index of {@code column}, or an error listing the columns there are. */
    public int index(String column) {
        int i = columns.indexOf(column);
        if (i < 0) {
            throw new IllegalArgumentException("no column '" + column + "'; the columns are " + columns);
        }
        return i;
    }

    public String cell(int row, int column) {
        return rows.get(row)[column].strip();
    }

    /** Whether every cell of {@code column} parses as a finite number. */
    public boolean isNumeric(int column) {
        for (String[] r : rows) {
            if (parseNumber(r[column].strip()).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** The number in a cell, or an error naming the row (not the value). */
    public double number(int row, int column) {
        return parseNumber(cell(row, column)).orElseThrow(() -> new IllegalArgumentException("row " + (row + 2)
                + ", column '" + columns.get(column) + "': not a number"));
    }

    static Optional<Double> parseNumber(String s) {
        try {
            double d = Double.parseDouble(s);
            return Double.isFinite(d) ? Optional.of(d) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** A table with the same columns and only the given rows. */
    Table select(int[] rowIndices) {
        List<String[]> kept = new ArrayList<>(rowIndices.length);
        for (int i : rowIndices) {
            kept.add(rows.get(i));
        }
        return new Table(columns, kept);
    }

    @Override
    public String toString() {
        return "Table" + columns + " (" + rows.size() + " rows)";
    }

    /** RFC 4180 records from a reader. */
    private static final class CsvReader {
        private final Reader in;
        private final String name;
        private int line = 0;
        private int pending = -2;

        CsvReader(Reader in, String name) {
            this.in = new java.io.BufferedReader(in, 1 << 16);
            this.name = name;
        }

        int line() {
            return line;
        }

        private int read() throws IOException {
            if (pending != -2) {
                int c = pending;
                pending = -2;
                return c;
            }
            return in.read();
        }

        Optional<String[]> next() throws IOException {
            List<String> cells = new ArrayList<>();
            StringBuilder cell = new StringBuilder();
            int c = read();
            if (c == -1) {
                return Optional.empty();
            }
            line++;
            boolean quoted = false;
            int startLine = line;
            while (true) {
                if (quoted) {
                    if (c == -1) {
                        throw new IllegalArgumentException(name + " line " + startLine + ": unterminated quoted cell");
                    }
                    if (c == '"') {
                        int n = read();
                        if (n == '"') {
                            cell.append('"');
                        } else {
                            quoted = false;
                            c = n;
                            continue;
                        }
                    } else {
                        if (c == '\n') {
                            line++;
                        }
                        cell.append((char) c);
                    }
                } else if (c == '"' && cell.isEmpty()) {
                    quoted = true;
                } else if (c == ',') {
                    cells.add(cell.toString());
                    cell.setLength(0);
                } else if (c == '\r') {
                    int n = read();
                    if (n != '\n') {
                        pending = n;
                    }
                    break;
                } else if (c == '\n' || c == -1) {
                    break;
                } else {
                    cell.append((char) c);
                }
                c = read();
            }
            cells.add(cell.toString());
            return Optional.of(cells.toArray(String[]::new));
        }
    }
}
