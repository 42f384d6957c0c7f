package dev.bastion.models.scan;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * ONNX models: walks the protobuf (ModelProto, its graph, nested graphs in node attributes) to every TensorProto
 * and checks where external data lives. A {@code location} that is absolute, climbs out with {@code ..}, or
 * resolves (through symbolic links) outside the model's folder would make a loader read arbitrary files: unsafe.
 * The protobuf reader checks every length and nests at most 64 deep.
 */
final class OnnxScanner {
    private static final int MAX_DEPTH = 64;

    private OnnxScanner() {
    }

    static void scan(Path file, String name, List<ScanFinding> findings) throws IOException {
        if (Files.size(file) > Integer.MAX_VALUE) {
            throw new FormatException("ONNX files over 2 GiB keep their weights outside; this one is "
                    + Files.size(file) + " bytes");
        }
        ByteBuffer buf;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
        }
        Path folder = file.toAbsolutePath().getParent();
        walk(buf, 0, buf.limit(), Kind.MODEL, 0, folder, name, findings);
    }

    private enum Kind { MODEL, GRAPH, NODE, ATTRIBUTE, TENSOR, SPARSE, ENTRY }

    private static void walk(ByteBuffer b, int start, int end, Kind kind, int depth, Path folder, String name,
            List<ScanFinding> findings) {
        if (depth > MAX_DEPTH) {
            throw new FormatException("protobuf nested deeper than " + MAX_DEPTH);
        }
        int[] pos = {start};
        String location = null;
        while (pos[0] < end) {
            long tag = varint(b, pos, end);
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            switch (wire) {
                case 0 -> varint(b, pos, end);
                case 1 -> skip(pos, 8, end);
                case 5 -> skip(pos, 4, end);
                case 2 -> {
                    long len = varint(b, pos, end);
                    if (len < 0 || len > end - pos[0]) {
                        throw new FormatException("field " + field + " length " + len + " runs past its message");
                    }
                    int s = pos[0];
                    int e = (int) (s + len);
                    Kind child = child(kind, field);
                    if (child == Kind.ENTRY) {
                        String[] kv = entry(b, s, e);
                        if ("location".equals(kv[0])) {
                            location = kv[1];
                        }
                    } else if (child != null) {
                        walk(b, s, e, child, depth + 1, folder, name, findings);
                    }
                    pos[0] = e;
                }
                default -> throw new FormatException("unsupported protobuf wire type " + wire + " in field " + field);
            }
        }
        if (kind == Kind.TENSOR && location != null) {
            checkLocation(location, folder, name, findings);
        }
    }

    /** Which submessages lead to tensors: ModelProto.graph(7); GraphProto.node(1), initializer(5),
     * sparse_initializer(15); NodeProto.attribute(5); AttributeProto.t(5), g(6), tensors(9), graphs(10),
     * sparse_tensor(22), sparse_tensors(23); SparseTensorProto.values(1), indices(2);
     * TensorProto.external_data(13). */
    private static Kind child(Kind parent, int field) {
        return switch (parent) {
            case MODEL -> field == 7 ? Kind.GRAPH : null;
            case GRAPH -> field == 1 ? Kind.NODE : field == 5 ? Kind.TENSOR : field == 15 ? Kind.SPARSE : null;
            case NODE -> field == 5 ? Kind.ATTRIBUTE : null;
            case ATTRIBUTE -> switch (field) {
                case 5, 9 -> Kind.TENSOR;
                case 6, 10 -> Kind.GRAPH;
                case 22, 23 -> Kind.SPARSE;
                default -> null;
            };
            case SPARSE -> field == 1 || field == 2 ? Kind.TENSOR : null;
            case TENSOR -> field == 13 ? Kind.ENTRY : null;
            case ENTRY -> null;
        };
    }

    private static void checkLocation(String location, Path folder, String name, List<ScanFinding> findings) {
        String shown = GgufScanner.printable(location);
        Path p = Path.of(location.replace('\\', '/'));
        if (p.isAbsolute() || location.startsWith("/") || location.startsWith("\\") || location.contains(":")) {
            findings.add(new ScanFinding(ScanFinding.Severity.UNSAFE, name, "external-data",
                    "external data at an absolute path '" + shown + "'"));
            return;
        }
        for (Path part : p) {
            if (part.toString().equals("..")) {
                findings.add(new ScanFinding(ScanFinding.Severity.UNSAFE, name, "external-data",
                        "external data path '" + shown + "' climbs out of the model folder"));
                return;
            }
        }
        try {
            Path target = folder.resolve(p).normalize();
            if (!Files.exists(target)) {
                findings.add(new ScanFinding(ScanFinding.Severity.MALFORMED, name, "external-data",
                        "external data file '" + shown + "' is missing"));
                return;
            }
            if (!target.toRealPath().startsWith(folder.toRealPath())) {
                findings.add(new ScanFinding(ScanFinding.Severity.UNSAFE, name, "external-data",
                        "external data '" + shown + "' resolves outside the model folder (symbolic link)"));
            }
        } catch (IOException | java.nio.file.InvalidPathException e) {
            findings.add(new ScanFinding(ScanFinding.Severity.MALFORMED, name, "external-data",
                    "external data path '" + shown + "' cannot be resolved"));
        }
    }

    private static String[] entry(ByteBuffer b, int start, int end) {
        String key = null;
        String value = null;
        int[] pos = {start};
        while (pos[0] < end) {
            long tag = varint(b, pos, end);
            if ((tag & 7) != 2) {
                throw new FormatException("external_data entries hold only strings");
            }
            long len = varint(b, pos, end);
            if (len < 0 || len > end - pos[0] || len > 4096) {
                throw new FormatException("external_data entry too long");
            }
            byte[] bytes = new byte[(int) len];
            b.get(pos[0], bytes);
            pos[0] += (int) len;
            String s = new String(bytes, StandardCharsets.UTF_8);
            if (tag >>> 3 == 1) {
                key = s;
            } else if (tag >>> 3 == 2) {
                value = s;
            }
        }
        return new String[] {key, value};
    }

    private static long varint(ByteBuffer b, int[] pos, int end) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos[0] >= end) {
                throw new FormatException("truncated varint at byte " + pos[0]);
            }
            int x = b.get(pos[0]++) & 0xff;
            v |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return v;
            }
        }
        throw new FormatException("varint longer than 10 bytes at byte " + pos[0]);
    }

    private static void skip(int[] pos, int n, int end) {
        if (pos[0] + n > end) {
            throw new FormatException("truncated fixed-size field at byte " + pos[0]);
        }
        pos[0] += n;
    }
}
