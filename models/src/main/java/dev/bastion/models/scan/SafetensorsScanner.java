package dev.bastion.models.scan;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Structural check of a safetensors file: an 8-byte little-endian header length (at most 100 MiB and inside the
 * file), a JSON header within parser limits, every tensor's dtype and shape, and data offsets that lie inside the
 * data section, match the shape's byte size, and tile it without overlaps or holes.
 */
final class SafetensorsScanner {
    private static final long MAX_HEADER = 100L << 20;
    private static final Map<String, Integer> DTYPES = Map.ofEntries(Map.entry("BOOL", 1), Map.entry("U8", 1),
            Map.entry("I8", 1), Map.entry("F8_E5M2", 1), Map.entry("F8_E4M3", 1), Map.entry("I16", 2),
            Map.entry("U16", 2), Map.entry("F16", 2), Map.entry("BF16", 2), Map.entry("I32", 4), Map.entry("U32", 4),
            Map.entry("F32", 4), Map.entry("F64", 8), Map.entry("I64", 8), Map.entry("U64", 8));
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder().streamReadConstraints(
            StreamReadConstraints.builder().maxNestingDepth(8).maxStringLength(1 << 20).maxNumberLength(32).build())
            .build());

    /** Tensor count and parameter count of a valid file. */
    record Info(int tensors, long parameters, Map<String, String> metadata) {
    }

    private SafetensorsScanner() {
    }

    static Info scan(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            BoundedReader in = new BoundedReader(ch);
            long headerLength = in.u64("header length");
            if (headerLength < 2 || headerLength > MAX_HEADER || headerLength > in.remaining()) {
                throw new FormatException("header length " + Long.toUnsignedString(headerLength)
                        + " is impossible (limit 100 MiB, file " + in.size() + " bytes)");
            }
            ByteBuffer header = in.read(headerLength, "header");
            JsonNode root;
            try {
                root = JSON.readTree(header.array());
            } catch (IOException e) {
                throw new FormatException("header is not valid JSON within limits: " + firstLine(e.getMessage()));
            }
            if (root == null || !root.isObject()) {
                throw new FormatException("header is not a JSON object");
            }
            long dataSize = in.remaining();
            List<long[]> extents = new ArrayList<>();
            long parameters = 0;
            Map<String, String> metadata = Map.of();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String name = GgufScanner.printable(e.getKey());
                JsonNode t = e.getValue();
                if (e.getKey().equals("__metadata__")) {
                    java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
                    for (Map.Entry<String, JsonNode> kv : t.properties()) {
                        if (!kv.getValue().isTextual()) {
                            throw new FormatException("__metadata__ values must be strings");
                        }
                        m.put(kv.getKey(), kv.getValue().asText());
                    }
                    metadata = m;
                    continue;
                }
                Integer size = DTYPES.get(t.path("dtype").asText());
                if (size == null) {
                    throw new FormatException("tensor '" + name + "' has unknown dtype '"
                            + GgufScanner.printable(t.path("dtype").asText()) + "'");
                }
                long elements = 1;
                if (!t.path("shape").isArray()) {
                    throw new FormatException("tensor '" + name + "' has no shape");
                }
                for (JsonNode d : t.path("shape")) {
                    if (!d.canConvertToLong() || d.asLong() < 0 || d.asLong() > 1L << 40) {
                        throw new FormatException("tensor '" + name + "' has an invalid dimension");
                    }
                    elements = Math.multiplyExact(elements, Math.max(1, d.asLong())) ;
                    if (d.asLong() == 0) {
                        elements = 0;
                    }
                }
                JsonNode off = t.path("data_offsets");
                if (!off.isArray() || off.size() != 2 || !off.get(0).canConvertToLong() || !off.get(1).canConvertToLong()) {
                    throw new FormatException("tensor '" + name + "' needs data_offsets [begin, end]");
                }
                long begin = off.get(0).asLong();
                long end = off.get(1).asLong();
                if (begin < 0 || end < begin || end > dataSize) {
                    throw new FormatException("tensor '" + name + "' offsets [" + begin + ", " + end
                            + "] are outside the data section of " + dataSize + " bytes");
                }
                if (end - begin != Math.multiplyExact(elements, (long) size)) {
                    throw new FormatException("tensor '" + name + "' occupies " + (end - begin) + " bytes but its "
                            + "shape and dtype need " + elements * size);
                }
                extents.add(new long[] {begin, end});
                parameters += elements;
            }
            extents.sort((a, b) -> Long.compare(a[0], b[0]));
            long at = 0;
            for (long[] e : extents) {
                if (e[0] < at) {
                    throw new FormatException("tensor data overlaps at offset " + e[0]);
                }
                if (e[0] > at) {
                    throw new FormatException("a hole in the tensor data at offset " + at);
                }
                at = e[1];
            }
            if (at != dataSize) {
                throw new FormatException((dataSize - at) + " bytes after the last tensor are not described");
            }
            return new Info(extents.size(), parameters, metadata);
        } catch (ArithmeticException e) {
            throw new FormatException("a tensor's size overflows");
        }
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }
}
