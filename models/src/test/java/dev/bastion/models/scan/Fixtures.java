package dev.bastion.models.scan;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Writers for the model formats the scanners read, so tests build their own fixtures (never executed). */
final class Fixtures {
    private Fixtures() {
    }

    /** A pickle assembled opcode by opcode. */
    static final class Pickle {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pickle proto(int v) { out.write(0x80); out.write(v); return this; }
        Pickle global(String module, String name) { out.write('c'); text(module + "\n" + name + "\n"); return this; }
        Pickle str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.write(0x8c);
            out.write(b.length);
            out.writeBytes(b);
            return this;
        }
        Pickle stackGlobal() { out.write(0x93); return this; }
        Pickle mark() { out.write('('); return this; }
        Pickle tuple() { out.write('t'); return this; }
        Pickle emptyTuple() { out.write(')'); return this; }
        Pickle tuple1() { out.write(0x85); return this; }
        Pickle reduce() { out.write('R'); return this; }
        Pickle memoize() { out.write(0x94); return this; }
        Pickle binget(int i) { out.write('h'); out.write(i); return this; }
        Pickle binint1(int v) { out.write('K'); out.write(v); return this; }
        Pickle emptyDict() { out.write('}'); return this; }
        Pickle build() { out.write('b'); return this; }
        Pickle raw(int... bytes) { for (int b : bytes) { out.write(b); } return this; }
        Pickle stop() { out.write('.'); return this; }
        private void text(String s) { out.writeBytes(s.getBytes(StandardCharsets.UTF_8)); }
        byte[] bytes() { return out.toByteArray(); }
    }

    /** What torch.save writes for an OrderedDict with one tensor, in outline. */
    static byte[] torchStateDict() {
        return new Pickle().proto(2).global("collections", "OrderedDict").emptyTuple().reduce().memoize()
                .mark().str("weight")
                .global("torch._utils", "_rebuild_tensor_v2")
                .mark().mark().str("storage").global("torch", "FloatStorage").str("0").str("cpu").binint1(4).tuple()
                .raw('Q') // BINPERSID
                .binint1(0).mark().binint1(2).binint1(2).tuple().mark().binint1(2).binint1(1).tuple()
                .raw(0x89).global("collections", "OrderedDict").emptyTuple().reduce().tuple()
                .reduce().raw('u').stop().bytes();
    }

    static byte[] zip(String entry, byte[] content) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(b)) {
            z.putNextEntry(new ZipEntry(entry));
            z.write(content);
            z.closeEntry();
            z.putNextEntry(new ZipEntry("archive/data/0"));
            z.write(new byte[] {(byte) 0x80, 2, 9, 9, 9}); // storage bytes that merely look like a pickle
            z.closeEntry();
        }
        return b.toByteArray();
    }

    /** A GGUF v3 file: an architecture, an alignment, a string array, an F32 (4,2) and a Q8_0 (32,2) tensor. */
    static byte[] gguf() {
        ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        b.put("GGUF".getBytes(StandardCharsets.US_ASCII)).putInt(3).putLong(2).putLong(3);
        ggufString(b, "general.architecture");
        b.putInt(8);
        ggufString(b, "llama");
        ggufString(b, "general.alignment");
        b.putInt(4).putInt(32);
        ggufString(b, "tokenizer.ggml.tokens");
        b.putInt(9).putInt(8).putLong(2);
        ggufString(b, "a");
        ggufString(b, "b");
        ggufString(b, "w");
        b.putInt(2).putLong(4).putLong(2).putInt(0).putLong(0);
        ggufString(b, "q");
        b.putInt(2).putLong(32).putLong(2).putInt(8).putLong(64);
        int dataStart = (b.position() + 31) / 32 * 32;
        b.position(dataStart + 64 + 68);
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    private static void ggufString(ByteBuffer b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        b.putLong(bytes.length).put(bytes);
    }

    static byte[] safetensors(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return b.array();
    }

    /** ModelProto { graph { initializer { name, data_location=EXTERNAL, external_data { location } } } }. */
    static byte[] onnxWithExternalData(String location) {
        byte[] entry = concat(field(1, "location".getBytes(StandardCharsets.UTF_8)),
                field(2, location.getBytes(StandardCharsets.UTF_8)));
        byte[] tensor = concat(field(8, "w".getBytes(StandardCharsets.UTF_8)), new byte[] {(byte) (14 << 3), 1},
                field(13, entry));
        byte[] graph = field(5, tensor);
        return concat(new byte[] {(byte) (1 << 3), 8}, field(7, graph));
    }

    static byte[] field(int number, byte[] payload) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        varint(o, (long) number << 3 | 2);
        varint(o, payload.length);
        o.writeBytes(payload);
        return o.toByteArray();
    }

    private static void varint(ByteArrayOutputStream o, long v) {
        while ((v & ~0x7fL) != 0) {
            o.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        o.write((int) v);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }
}
