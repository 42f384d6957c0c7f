package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.inference.ChatMessage;
import dev.bastion.inference.GgmlType;
import dev.bastion.inference.LocalModel;
import dev.bastion.inference.TestModels;
import dev.bastion.store.keys.Role;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A real gateway on port 0 serving one random-weight llama model ({@code backend: local}, Q8_0) under {@code name},
 * with a user key and helpers for chat requests to it.
 */
final class LocalGatewayFixture implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    final String name;
    final TestModels.Shape shape;
    final long seed;
    final Path modelFile;
    final TestGateway gateway;
    final String key;

    private LocalGatewayFixture(String name, TestModels.Shape shape, long seed, Path modelFile, TestGateway gateway) {
        this.name = name;
        this.shape = shape;
        this.seed = seed;
        this.modelFile = modelFile;
        this.gateway = gateway;
        this.key = gateway.createKey(Role.USER, "team-a", List.of("*"));
    }

    /**
     * Writes the model to {@code dir} and starts a gateway with {@code localEngine} (the YAML lines under
     * {@code local-engine:}, each indented by two spaces) and the model.
     */
    static LocalGatewayFixture start(Path dir, String name, TestModels.Shape shape, long seed, String localEngine)
            throws IOException {
        Path file = TestModels.write(dir.resolve(name + ".gguf"), shape, GgmlType.Q8_0, seed);
        return startOn(dir, name, shape, seed, localEngine, file);
    }

    /**
     * As {@link #start}, but with the model file already written by an earlier start in {@code dir} (same name, shape
     * and seed), so that it keeps its modification time; written if it is not there.
     */
    static LocalGatewayFixture restart(Path dir, String name, TestModels.Shape shape, long seed, String localEngine)
            throws IOException {
        Path file = dir.resolve(name + ".gguf");
        if (!java.nio.file.Files.isRegularFile(file)) {
            TestModels.write(file, shape, GgmlType.Q8_0, seed);
        }
        return startOn(dir, name, shape, seed, localEngine, file);
    }

    private static LocalGatewayFixture startOn(Path dir, String name, TestModels.Shape shape, long seed,
            String localEngine, Path file) {
        TestGateway gateway = TestGateway.start(dir, "local-engine:\n" + localEngine + "models:\n  - {name: " + name
                + ", backend: local, path: " + file + "}\n");
        return new LocalGatewayFixture(name, shape, seed, file, gateway);
    }

    /** A chat request with one user message; end-of-generation tokens are biased away so answers run full length. */
    ObjectNode request(String text) {
        ObjectNode r = JSON.createObjectNode().put("model", name);
        r.putArray("messages").addObject().put("role", "user").put("content", text);
        ObjectNode bias = r.putObject("logit_bias");
        List<String> tokens = TestModels.tokens(shape, seed);
        for (String end : List.of("<|eot_id|>", "<|end_of_text|>", "<|eom_id|>")) {
            int id = tokens.indexOf(end);
            if (id >= 0) {
                bias.put(Integer.toString(id), -100);
            }
        }
        return r;
    }

    TestGateway.Reply post(ObjectNode body) {
        return gateway.post("/v1/chat/completions", key, body.toString());
    }

    /** The answer's text, after checking the reply is a 200. */
    static String content(TestGateway.Reply reply) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json().path("choices").path(0).path("message").path("content").asText();
    }

    /**
     * The prompt tokens of one user message, counted apart from the backend's path: the model's template renders the
     * chat to text, and the tokenizer encodes that text with its special tokens.
     */
    int promptTokens(String userText) throws IOException {
        try (LocalModel model = LocalModel.load(modelFile, new LocalModel.Options(64, 1, 0))) {
            String rendered = model.chatTemplate().orElseThrow().render(List.of(ChatMessage.user(userText)), true);
            return model.tokenizer().encodeWithSpecialTokens(rendered).length;
        }
    }

    /** The engine behind the model, to watch its slots. */
    LocalModel engine() {
        return gateway.gateway().localBackend().loaded(name).orElseThrow();
    }

    static JsonNode parse(String event) {
        try {
            return JSON.readTree(event);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + event, e);
        }
    }

    @Override
    public void close() {
        gateway.close();
    }
}
