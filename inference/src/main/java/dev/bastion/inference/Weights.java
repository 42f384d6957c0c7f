package dev.bastion.inference;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The tensors of a llama-family model, as views over the file's mapping (quantised matrices are not copied, except
 * Q8_0 ones, which {@link WeightMatrix#of} rewrites once into groups of four rows; the small norm and bias vectors
 * are read into arrays).
 *
 * <p>Tensor names and shapes follow llama.cpp's GGUF conventions: {@code token_embd.weight} (vocab, dim),
 * {@code blk.N.attn_q.weight} (q_dim, dim), ..., {@code output.weight} (vocab, dim), absent when the embedding is
 * tied. Every shape is checked against the {@link ModelConfig}.
 */
record Weights(WeightMatrix tokenEmbedding, List<Layer> layers, float[] outputNorm, WeightMatrix output,
        Optional<float[]> ropeFactors) {

    /** One transformer block. Biases (qwen2) and q/k norms (qwen3) are present only where the architecture has them. */
    record Layer(float[] attnNorm, WeightMatrix wq, WeightMatrix wk, WeightMatrix wv, WeightMatrix wo,
            Optional<float[]> bq, Optional<float[]> bk, Optional<float[]> bv,
            Optional<float[]> qNorm, Optional<float[]> kNorm,
            float[] ffnNorm, WeightMatrix gate, WeightMatrix up, WeightMatrix down) {
    }

    /** Makes the weight matrix of a checked tensor: {@link WeightMatrix#of}, or a layout kept from earlier. */
    @FunctionalInterface
    interface Matrices {
        WeightMatrix of(GgufTensor tensor, MemorySegment data, int rows, int cols);
    }

    /** The weights of {@code file}, each quantised matrix rebuilt in memory where the kernels want it. */
    static Weights load(GgufFile file, ModelConfig c) throws GgufFormatException {
        return load(file, c, (t, data, rows, cols) -> WeightMatrix.of(t.type(), data, rows, cols));
    }

    /** The weights of {@code file}, each matrix made by {@code matrices} once its tensor is checked. */
    static Weights load(GgufFile file, ModelConfig c, Matrices matrices) throws GgufFormatException {
        Loader l = new Loader(file, matrices);
        return l.load(c);
    }

    /** The file and the matrix maker, so that the helpers below keep their short signatures. */
    private record Loader(GgufFile file, Matrices matrices) {
        Weights load(ModelConfig c) throws GgufFormatException {
            WeightMatrix embedding = matrix(file, "token_embd.weight", c.vocabularySize(), c.dim());
            List<Layer> layers = new ArrayList<>(c.layers());
            for (int i = 0; i < c.layers(); i++) {
                String p = "blk." + i + ".";
                layers.add(new Layer(
                        vector(file, p + "attn_norm.weight", c.dim()),
                        matrix(file, p + "attn_q.weight", c.qDim(), c.dim()),
                        matrix(file, p + "attn_k.weight", c.kvDim(), c.dim()),
                        matrix(file, p + "attn_v.weight", c.kvDim(), c.dim()),
                        matrix(file, p + "attn_output.weight", c.dim(), c.qDim()),
                        optionalVector(file, p + "attn_q.bias", c.qDim()),
                        optionalVector(file, p + "attn_k.bias", c.kvDim()),
                        optionalVector(file, p + "attn_v.bias", c.kvDim()),
                        optionalVector(file, p + "attn_q_norm.weight", c.headDim()),
                        optionalVector(file, p + "attn_k_norm.weight", c.headDim()),
                        vector(file, p + "ffn_norm.weight", c.dim()),
                        matrix(file, p + "ffn_gate.weight", c.hiddenDim(), c.dim()),
                        matrix(file, p + "ffn_up.weight", c.hiddenDim(), c.dim()),
                        matrix(file, p + "ffn_down.weight", c.dim(), c.hiddenDim())));
            }
            float[] outputNorm = vector(file, "output_norm.weight", c.dim());
            WeightMatrix output = file.tensor("output.weight").isPresent()
                    ? matrix(file, "output.weight", c.vocabularySize(), c.dim())
                    : embedding; // tied embeddings
            return new Weights(embedding, List.copyOf(layers), outputNorm, output,
                    optionalVector(file, "rope_freqs.weight", c.ropeDim() / 2));
        }

        private WeightMatrix matrix(GgufFile file, String name, int rows, int cols) throws GgufFormatException {
            GgufTensor t = checkedMatrix(file, name, rows, cols);
            return matrices.of(t, file.data(t), rows, cols);
        }
    }

    private static GgufTensor require(GgufFile file, String name) throws GgufFormatException {
        return file.tensor(name).orElseThrow(() -> new GgufFormatException("tensor " + name + " is missing"));
    }

    private static GgufTensor checkedMatrix(GgufFile file, String name, int rows, int cols) throws GgufFormatException {
        GgufTensor t = require(file, name);
        if (t.shape().length != 2 || t.cols() != cols || t.rows() != rows) {
            throw new GgufFormatException("tensor " + name + " has shape " + java.util.Arrays.toString(t.shape())
                    + "; the model's metadata needs [" + cols + ", " + rows + "]");
        }
        if (!t.type().supported()) {
            throw new GgufFormatException("tensor " + name + " has type " + t.type()
                    + ", which Bastion's engine does not run (F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q5_K, Q6_K are supported)");
        }
        return t;
    }

    private static float[] vector(GgufFile file, String name, int length) throws GgufFormatException {
        GgufTensor t = require(file, name);
        if (t.elements() != length || t.shape().length != 1) {
            throw new GgufFormatException("tensor " + name + " has shape " + java.util.Arrays.toString(t.shape())
                    + "; the model's metadata needs [" + length + "]");
        }
        if (!t.type().supported() || t.type().blockSize() != 1) {
            throw new GgufFormatException("tensor " + name + " has type " + t.type() + "; a vector must be F32, F16 or BF16");
        }
        float[] out = new float[length];
        WeightMatrix.of(t.type(), file.data(t), 1, length).dequantizeRow(0, out, 0);
        return out;
    }

    private static Optional<float[]> optionalVector(GgufFile file, String name, int length) throws GgufFormatException {
        if (file.tensor(name).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(vector(file, name, length));
    }
}
