package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tool-call arguments reach a streaming client as the upstream sends them, on every API, after the pseudonym
 * restorer: an upstream streams a call's arguments in 20 pieces with a pause before each, the arguments mention a
 * surrogate that the pieces cut apart, and the client sees many argument deltas, the first before the upstream sent
 * its last piece, which together are exactly the restored arguments. Two calls one after another each stream in
 * their own block; interleaved calls are put one after the other.
 */
class StreamedToolCallsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EMAIL = "maria.rossi@corp-mail.de";
    private static final String TEXT = "please mail " + EMAIL + " the weekly report today";

    @TempDir
    static Path dir;
    static FakeUpstream up;
    static TestGateway gateway;
    static String key;

    @BeforeAll
    static void start() {
        up = FakeUpstream.start().callTool("send").echoInToolArguments(true);
        gateway = TestGateway.start(dir, "models:\n" + TestGateway.model("cloud", up, "cloud")
                + TestGateway.model("guarded", up, "cloud") + """
                routes:
                  - name: canary
                    models: [guarded]
                    prompt-canary: true
                  - name: pii
                    models: ["*"]
                    input-scanners: [pii]
                    actions: {EMAIL_ADDRESS: pseudonymise}
                    pseudonyms: tag
                """);
        key = gateway.createKey(Role.USER, "t", List.of("*"));
    }

    @BeforeEach
    void oneCallInTwentyPieces() {
        up.toolCalls(1, 20, 15, false);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        up.close();
    }

    /** One server-sent event as the client received it: its name (empty for plain data), data and arrival time. */
    record Received(String name, JsonNode data, long at) {
    }

    /** Posts {@code body} to {@code path} and reads the event stream line by line, timing each event. */
    static List<Received> stream(String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<java.util.stream.Stream<String>> response = HttpClient.newHttpClient().send(request,
                HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        List<Received> out = new ArrayList<>();
        String name = "";
        for (Iterator<String> lines = response.body().iterator(); lines.hasNext(); ) {
            String line = lines.next();
            if (line.startsWith("event: ")) {
                name = line.substring(7);
            } else if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
                out.add(new Received(name, JSON.readTree(line.substring(6)), System.nanoTime()));
                name = "";
            }
        }
        return out;
    }

    static String body(String api, boolean stream) {
        String message = "[{\"role\":\"user\",\"content\":" + TestGateway.quote(TEXT) + "}]";
        return switch (api) {
            case "chat" -> "{\"model\":\"cloud\",\"stream\":" + stream + ",\"messages\":" + message + ",\"tools\":[{\"type\":"
                    + "\"function\",\"function\":{\"name\":\"send\",\"parameters\":{\"type\":\"object\"}}}]}";
            case "messages" -> "{\"model\":\"cloud\",\"max_tokens\":100,\"stream\":" + stream + ",\"messages\":" + message
                    + ",\"tools\":[{\"name\":\"send\",\"input_schema\":{\"type\":\"object\"}}]}";
            case "responses" -> "{\"model\":\"cloud\",\"stream\":" + stream + ",\"input\":" + TestGateway.quote(TEXT)
                    + ",\"tools\":[{\"type\":\"function\",\"name\":\"send\",\"parameters\":{\"type\":\"object\"}}]}";
            default -> throw new IllegalArgumentException(api);
        };
    }

    static String path(String api) {
        return switch (api) {
            case "chat" -> "/v1/chat/completions";
            case "messages" -> "/v1/messages";
            default -> "/v1/responses";
        };
    }

    /** Whether an event carries a piece of tool-call arguments, on any of the three APIs. */
    static boolean isArguments(Received e) {
        return e.data().at("/choices/0/delta/tool_calls/0/function/arguments").isTextual()
                && !e.data().at("/choices/0/delta/tool_calls/0/function/arguments").asText().isEmpty()
                || e.name().equals("content_block_delta") && e.data().at("/delta/type").asText().equals("input_json_delta")
                || e.name().equals("response.function_call_arguments.delta");
    }

    static String arguments(Received e) {
        JsonNode chat = e.data().at("/choices/0/delta/tool_calls/0/function/arguments");
        return chat.isTextual() ? chat.asText() : e.name().startsWith("content_block")
                ? e.data().at("/delta/partial_json").asText() : e.data().path("delta").asText();
    }

    /** Whether an event ends a call: its block stops, or its item is done, or (chat) the turn finishes. */
    static boolean endsACall(Received e) {
        return e.name().equals("content_block_stop") || e.name().equals("response.output_item.done")
                || e.data().at("/choices/0/finish_reason").asText("").equals("tool_calls");
    }

    /** The restored arguments of every call, from the same request unstreamed on chat. */
    static List<String> restoredArguments() {
        TestGateway.Reply whole = gateway.post(path("chat"), key, body("chat", false));
        assertThat(whole.status()).as(whole.body()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        whole.json().at("/choices/0/message/tool_calls").forEach(c -> out.add(c.at("/function/arguments").asText()));
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"chat", "messages", "responses"})
    void aCallsArgumentsStreamInManyRestoredPiecesTheFirstBeforeTheUpstreamSentItsLast(String api) throws Exception {
        String restored = restoredArguments().getFirst();
        assertThat(JSON.readTree(restored).path("text").asText()).isEqualTo(TEXT);
        String upstreamArguments = up.toolArguments(up.received().getLast().body(), 0);
        String surrogate = "\\u003cEMAIL_ADDRESS_1\\u003e";
        assertThat(upstreamArguments).contains(surrogate);
        assertThat(FakeUpstream.pieces(upstreamArguments, 20)).as("the surrogate is cut apart by the pieces")
                .noneMatch(piece -> piece.contains(surrogate));

        List<Received> events = stream(path(api), body(api, true));
        long lastPieceSent = up.lastFragmentSent();
        List<Received> pieces = events.stream().filter(StreamedToolCallsTest::isArguments).toList();
        System.out.printf("%s: %d argument deltas for 20 upstream pieces%n", api, pieces.size());
        assertThat(pieces).as("arguments arrive in pieces, not whole").hasSizeGreaterThan(10);
        assertThat(pieces.getFirst().at()).as("the first piece reached the client before the upstream sent its last")
                .isLessThan(lastPieceSent);
        assertThat(pieces.stream().map(StreamedToolCallsTest::arguments).reduce("", String::concat)).isEqualTo(restored);
        int end = indexOf(events, StreamedToolCallsTest::endsACall);
        assertThat(events.indexOf(pieces.getLast())).as("every piece before the call ends").isLessThan(end);
        if (api.equals("responses")) {
            JsonNode done = events.stream().filter(e -> e.name().equals("response.function_call_arguments.done"))
                    .findFirst().orElseThrow().data();
            assertThat(done.path("arguments").asText()).isEqualTo(restored);
        }
        assertThat(events.toString()).doesNotContain("EMAIL_ADDRESS").contains(EMAIL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"messages", "responses"})
    void twoCallsOneAfterTheOtherEachStreamInTheirOwnBlockTheFirstEndingBeforeTheSecondStarts(String api) throws Exception {
        up.toolCalls(2, 10, 5, false);
        List<String> restored = restoredArguments();
        assertThat(restored).hasSize(2);
        List<List<String>> calls = blocks(stream(path(api), body(api, true)));
        assertThat(calls).hasSize(2);
        for (int k = 0; k < 2; k++) {
            assertThat(calls.get(k)).as("call %d streams in pieces", k).hasSizeGreaterThan(1);
            assertThat(String.join("", calls.get(k))).isEqualTo(restored.get(k));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"messages", "responses"})
    void interleavedCallsAreSentOneAfterTheOtherTheLaterHeldUntilTheEarlierIsComplete(String api) throws Exception {
        up.toolCalls(2, 10, 5, true);
        List<String> restored = restoredArguments();
        List<List<String>> calls = blocks(stream(path(api), body(api, true)));
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0)).as("the first call still streams").hasSizeGreaterThan(1);
        assertThat(String.join("", calls.get(0))).isEqualTo(restored.get(0));
        assertThat(String.join("", calls.get(1))).isEqualTo(restored.get(1));
        assertThat(JSON.readTree(String.join("", calls.get(1))).path("call").asInt()).isEqualTo(2);
    }

    @Test
    void chatClientsGetInterleavedCallsAsTheUpstreamSentThemEachByItsIndex() throws Exception {
        up.toolCalls(2, 10, 0, true);
        List<String> restored = restoredArguments();
        StringBuilder[] byIndex = {new StringBuilder(), new StringBuilder()};
        for (Received e : stream(path("chat"), body("chat", true))) {
            for (JsonNode call : e.data().at("/choices/0/delta/tool_calls")) {
                byIndex[call.path("index").asInt()].append(call.at("/function/arguments").asText(""));
            }
        }
        assertThat(byIndex[0]).hasToString(restored.get(0));
        assertThat(byIndex[1]).hasToString(restored.get(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"chat", "messages", "responses"})
    void toolArgumentsThatRepeatTheSystemPromptStopTheStreamBeforeTheCanaryOrThePromptGoesOut(String api) throws Exception {
        up.echoSystem(true);
        try {
            String guarded = body(api, true).replace("\"model\":\"cloud\"", "\"model\":\"guarded\"");
            String body = switch (api) {
                case "chat" -> guarded.replace("\"messages\":[", "\"messages\":[{\"role\":\"system\",\"content\":\"You plan trips.\"},");
                case "messages" -> guarded.replace("\"messages\":", "\"system\":\"You plan trips.\",\"messages\":");
                default -> guarded.replace("\"input\":", "\"instructions\":\"You plan trips.\",\"input\":");
            };
            List<Received> events = stream(path(api), body);
            assertThat(up.received().getLast().body().toString()).as("the canary was planted").contains("bastion-canary-");
            String released = events.stream().filter(StreamedToolCallsTest::isArguments).map(StreamedToolCallsTest::arguments)
                    .reduce("", String::concat);
            // The canary line comes first in the system prompt, so the stream stops before the operator's words.
            assertThat(released).as("the arguments began to stream").startsWith("{\"text\":\"(Internal reference ")
                    .doesNotContain("You plan trips").doesNotContain("bastion-");
            assertThat(events.getLast().data().toString()).as("the stream ends with the error").contains("system-prompt leak");
            assertThat(events.toString()).doesNotContain("bastion-canary-");
        } finally {
            up.echoSystem(false);
        }
    }

    /**
     * The argument pieces of each tool block in order, checking that blocks do not overlap: every piece belongs to
     * the block opened last, and a block opens only after the previous one ended.
     */
    static List<List<String>> blocks(List<Received> events) {
        List<List<String>> out = new ArrayList<>();
        boolean open = false;
        for (Received e : events) {
            boolean opens = e.name().equals("content_block_start") && e.data().at("/content_block/type").asText().equals("tool_use")
                    || e.name().equals("response.output_item.added") && e.data().at("/item/type").asText().equals("function_call");
            if (opens) {
                assertThat(open).as("a block opens only after the previous one ended").isFalse();
                out.add(new ArrayList<>());
                open = true;
            } else if (isArguments(e)) {
                assertThat(open).as("arguments only inside an open block").isTrue();
                out.getLast().add(arguments(e));
            } else if (open && endsACall(e)) {
                open = false;
            }
        }
        assertThat(open).isFalse();
        return out;
    }

    private static int indexOf(List<Received> events, java.util.function.Predicate<Received> p) {
        for (int i = 0; i < events.size(); i++) {
            if (p.test(events.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
