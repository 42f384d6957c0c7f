package dev.bastion.inference;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A simple, valid quantiser for every type the kernels support, for test files and benchmarks: scales from the
 * block's largest magnitude, values rounded to the nearest step. Not as accurate as ggml's search-based
 * quantisers, but every output is a well-formed ggml block.
 */
public final class Quantizer {

    private Quantizer() {
    }

    /**
     * {@code values} in {@code type}'s block layout, little endian.
     *
     * @throws IllegalArgumentException if the type is unsupported or the length is not a whole number of blocks
     */
    public static byte[] quantize(GgmlType type, float[] values) {
        if (!type.supported()) {
            throw new IllegalArgumentException("no quantiser for " + type);
        }
        ByteBuffer out = ByteBuffer.allocate((int) type.byteSize(values.length)).order(ByteOrder.LITTLE_ENDIAN);
        int bs = type.blockSize();
        for (int b = 0; b < values.length / bs; b++) {
            int o = b * bs;
            switch (type) {
                case F32 -> out.putFloat(values[o]);
                case F16 -> out.putShort(Float.floatToFloat16(values[o]));
                case BF16 -> out.putShort(bf16(values[o]));
                case Q8_0 -> q8_0(values, o, out);
                case Q4_0 -> q4_0(values, o, out);
                case Q4_K -> qK(values, o, out, 15, false);
                case Q5_K -> qK(values, o, out, 31, true);
                case Q6_K -> q6_K(values, o, out);
                default -> throw new IllegalArgumentException("no quantiser for " + type);
            }
        }
        return out.array();
    }

    /** Round to nearest even on the upper 16 bits of the float. */
    static short bf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    /** A scale as stored (f16) and as the kernels will read it back. */
    private static float half(float v) {
        return Float.float16ToFloat(Float.floatToFloat16(v));
    }

    private static int round(float v, int lo, int hi) {
        return Math.clamp(Math.round(v), lo, hi);
    }

    private static void q8_0(float[] x, int o, ByteBuffer out) {
        float amax = 0f;
        for (int i = 0; i < 32; i++) {
            amax = Math.max(amax, Math.abs(x[o + i]));
        }
        float d = half(amax / 127f);
        out.putShort(Float.floatToFloat16(d));
        for (int i = 0; i < 32; i++) {
            out.put((byte) (d == 0f ? 0 : round(x[o + i] / d, -127, 127)));
        }
    }

    private static void q4_0(float[] x, int o, ByteBuffer out) {
        float max = 0f;
        for (int i = 0; i < 32; i++) {
            if (Math.abs(x[o + i]) > Math.abs(max)) {
                max = x[o + i];
            }
        }
        float d = max == 0f ? 0f : half(max / -8f);
        out.putShort(Float.floatToFloat16(d));
        for (int i = 0; i < 16; i++) {
            int lo = d == 0f ? 8 : round(x[o + i] / d + 8f, 0, 15);
            int hi = d == 0f ? 8 : round(x[o + 16 + i] / d + 8f, 0, 15);
            out.put((byte) (lo | hi << 4));
        }
    }

    /**
     * Q4_K ({@code levels} 15) and Q5_K (31): per sub-block of 32 a scale s = (max + m) / levels and a min
     * m = max(0, -min), both stored as 6-bit multiples of the super-block's d and dmin.
     */
    private static void qK(float[] x, int o, ByteBuffer out, int levels, boolean fifthBit) {
        float[] s = new float[8];
        float[] m = new float[8];
        float smax = 0f;
        float mmax = 0f;
        for (int j = 0; j < 8; j++) {
            float lo = Float.POSITIVE_INFINITY;
            float hi = Float.NEGATIVE_INFINITY;
            for (int l = 0; l < 32; l++) {
                lo = Math.min(lo, x[o + 32 * j + l]);
                hi = Math.max(hi, x[o + 32 * j + l]);
            }
            m[j] = Math.max(0f, -lo);
            s[j] = Math.max(0f, hi + m[j]) / levels;
            smax = Math.max(smax, s[j]);
            mmax = Math.max(mmax, m[j]);
        }
        float d = half(smax / 63f);
        float dmin = half(mmax / 63f);
        int[] sc = new int[8];
        int[] mi = new int[8];
        int[] q = new int[256];
        for (int j = 0; j < 8; j++) {
            sc[j] = d == 0f ? 0 : round(s[j] / d, 0, 63);
            mi[j] = dmin == 0f ? 0 : round(m[j] / dmin, 0, 63);
            float ds = d * sc[j];
            float dm = dmin * mi[j];
            for (int l = 0; l < 32; l++) {
                q[32 * j + l] = ds == 0f ? 0 : round((x[o + 32 * j + l] + dm) / ds, 0, levels);
            }
        }
        out.putShort(Float.floatToFloat16(d));
        out.putShort(Float.floatToFloat16(dmin));
        out.put(packScalesK4(sc, mi));
        if (fifthBit) {
            for (int l = 0; l < 32; l++) {
                int h = 0;
                for (int j = 0; j < 8; j++) {
                    h |= ((q[32 * j + l] >>> 4) & 1) << j;
                }
                out.put((byte) h);
            }
        }
        for (int k = 0; k < 4; k++) {
            for (int l = 0; l < 32; l++) {
                out.put((byte) ((q[64 * k + l] & 0xF) | (q[64 * k + 32 + l] & 0xF) << 4));
            }
        }
    }

    /** The inverse of ggml's get_scale_min_k4: eight 6-bit scales and mins in 12 bytes. */
    static byte[] packScalesK4(int[] sc, int[] mi) {
        byte[] p = new byte[12];
        for (int j = 0; j < 4; j++) {
            p[j] = (byte) ((sc[j] & 63) | (sc[j + 4] >>> 4) << 6);
            p[j + 4] = (byte) ((mi[j] & 63) | (mi[j + 4] >>> 4) << 6);
            p[j + 8] = (byte) ((sc[j + 4] & 0xF) | (mi[j + 4] & 0xF) << 4);
        }
        return p;
    }

    /** Q6_K: a signed 8-bit scale per 16 elements (multiple of the block's d), quants in [-32, 31]. */
    private static void q6_K(float[] x, int o, ByteBuffer out) {
        float[] s = new float[16];
        float smax = 0f;
        for (int g = 0; g < 16; g++) {
            float amax = 0f;
            for (int i = 0; i < 16; i++) {
                amax = Math.max(amax, Math.abs(x[o + 16 * g + i]));
            }
            s[g] = amax / 31f;
            smax = Math.max(smax, s[g]);
        }
        float d = half(smax / 127f);
        byte[] ql = new byte[128];
        byte[] qh = new byte[64];
        byte[] scales = new byte[16];
        for (int i = 0; i < 256; i++) {
            int g = i / 16;
            scales[g] = (byte) (d == 0f ? 0 : round(s[g] / d, -128, 127));
            float eff = d * scales[g];
            int q = (eff == 0f ? 0 : round(x[o + i] / eff, -32, 31)) + 32;
            int half = i / 128;
            int e = i % 128;
            int quarter = e / 32;
            int l = e % 32;
            ql[64 * half + l + (quarter & 1) * 32] |= (byte) ((q & 0xF) << (4 * (quarter / 2)));
            qh[32 * half + l] |= (byte) ((q >>> 4) << (2 * quarter));
        }
        out.put(ql).put(qh).put(scales).putShort(Float.floatToFloat16(d));
    }
}
