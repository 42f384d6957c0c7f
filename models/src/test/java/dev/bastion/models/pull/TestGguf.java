package dev.bastion.models.pull;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Writes small, valid GGUF v3 files with the metadata a chat model carries, for the download and info tests. */
final class TestGguf {
    static final String TEMPLATE = "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n"
            + "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}";

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private TestGguf() {
    }

    /**
     * A llama-architecture GGUF with one F32 tensor of {@code floats} elements and one Q8_0 tensor (64 x 2), its
     * data filled from {@code seed}: file type Q4_K_M (15), context 4096, embedding 64, 2 layers, 4 heads (2 kv),
     * a 3-token vocabulary, a ChatML template and licence apache-2.0.
     */
    static byte[] model(int floats, long seed) {
        return model(floats, seed, TEMPLATE);
    }

    /** The same with another chat template. */
    static byte[] model(int floats, long seed, String template) {
        TestGguf g = new TestGguf();
        g.raw("GGUF".getBytes(StandardCharsets.US_ASCII)).u32(3).u64(2).u64(11);
        g.str("general.architecture").u32(8).str("llama");
        g.str("general.name").u32(8).str("Test Model");
        g.str("general.file_type").u32(4).u32(15);
        g.str("general.license").u32(8).str("apache-2.0");
        g.str("llama.context_length").u32(4).u32(4096);
        g.str("llama.embedding_length").u32(4).u32(64);
        g.str("llama.block_count").u32(4).u32(2);
        g.str("llama.attention.head_count").u32(4).u32(4);
        g.str("llama.attention.head_count_kv").u32(4).u32(2);
        g.str("tokenizer.ggml.tokens").u32(9).u32(8).u64(3).str("<s>").str("a").str("b");
        g.str("tokenizer.chat_template").u32(8).str(template);
        long f32Bytes = (long) floats * 4;
        long q8Offset = (f32Bytes + 31) / 32 * 32;
        g.str("w").u32(1).u64(floats).u32(0).u64(0);
        g.str("q").u32(2).u64(64).u64(2).u32(8).u64(q8Offset);
        while (g.out.size() % 32 != 0) {
            g.out.write(0);
        }
        byte[] data = new byte[(int) (q8Offset + 2 * 2 * 34)];
        new Random(seed).nextBytes(data);
        g.raw(data);
        return g.out.toByteArray();
    }

    /** A GGUF whose tensor table points past the end of the file (the scan calls it malformed). */
    static byte[] truncated() {
        byte[] whole = model(1024, 1);
        return java.util.Arrays.copyOf(whole, whole.length - 2048);
    }

    private TestGguf raw(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    private TestGguf u32(int v) {
        return raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
    }

    private TestGguf u64(long v) {
        return raw(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    }

    private TestGguf str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return u64(b.length).raw(b);
    }
}
