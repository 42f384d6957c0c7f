package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pseudonymisation end to end: a cloud model (an upstream that records what it receives) never sees an original
 * value, and the client gets every original back, streamed or not, in content and in tool-call arguments.
 */
class PseudonymGatewayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> ORIGINALS = List.of("Jonathan Miller", "+44 20 7946 0958",
            "jonathan.miller@corp-mail.de", "4111 1111 1111 1111", "GB82 WEST 1234 5698 7654 32");
    private static final String TEXT = "Please call Jonathan Miller on +44 20 7946 0958 or mail jonathan.miller@corp-mail.de. "
            + "Card 4111 1111 1111 1111, IBAN GB82 WEST 1234 5698 7654 32; Jonathan Miller's <b>order</b>.";

    @TempDir
    Path dir;

    private static String yaml(FakeUpstream up, String style) {
        return "models:\n" + TestGateway.model("cloud", up, "cloud") + """
                routes:
                  - name: pii
                    input-scanners: [structure, pii]
                    actions: {EMAIL_ADDRESS: pseudonymise, PHONE_NUMBER: pseudonymise, CREDIT_CARD: pseudonymise,
                              IBAN_CODE: pseudonymise, PERSON: pseudonymise}
                    pseudonyms: %s
                """.formatted(style);
    }

    private static String withTools(String text, boolean stream) {
        return "{\"model\":\"cloud\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":"
                + TestGateway.quote(text) + "}],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"send\","
                + "\"parameters\":{\"type\":\"object\"}}}]}";
    }

    private static void assertNothingOriginalWasSent(FakeUpstream up) {
        for (FakeUpstream.Received r : up.received()) {
            String sent = r.body().toString();
            for (String original : ORIGINALS) {
                assertThat(sent).as("sent upstream").doesNotContain(original);
            }
        }
    }

    /** The streamed content of choice 0 and the concatenated tool-call arguments. */
    private static String[] streamed(TestGateway.Reply reply) throws Exception {
        StringBuilder content = new StringBuilder();
        StringBuilder arguments = new StringBuilder();
        for (String e : reply.events()) {
            if (e.equals("[DONE]")) {
                continue;
            }
            for (JsonNode choice : JSON.readTree(e).path("choices")) {
                content.append(choice.path("delta").path("content").asText(""));
                for (JsonNode call : choice.path("delta").path("tool_calls")) {
                    arguments.append(call.path("function").path("arguments").asText(""));
                }
            }
        }
        return new String[] {content.toString(), arguments.toString()};
    }

    @ParameterizedTest
    @ValueSource(strings = {"tag", "realistic"})
    void aCloudModelNeverSeesTheOriginalsAndTheClientGetsThemAllBack(String style) throws Exception {
        try (FakeUpstream up = FakeUpstream.start().chunks(17).callTool("send").echoInToolArguments(true);
                TestGateway g = TestGateway.start(dir, yaml(up, style))) {
            String key = g.createKey(Role.USER, "t", List.of("*"));

            TestGateway.Reply whole = g.post("/v1/chat/completions", key, TestGateway.chat("cloud", TEXT, false));
            assertThat(whole.status()).as(whole.body()).isEqualTo(200);
            assertThat(whole.json().at("/choices/0/message/content").asText()).isEqualTo("echo: " + TEXT);
            String upstreamText = up.received().getLast().body().at("/messages/0/content").asText();
            if (style.equals("tag")) {
                assertThat(upstreamText).contains("<PERSON_1>", "<PHONE_NUMBER_1>", "<EMAIL_ADDRESS_1>", "<CREDIT_CARD_1>",
                        "<IBAN_CODE_1>");
            } else {
                assertThat(upstreamText).doesNotContain("<PERSON_1>").containsPattern("@example\\.(com|org|net)")
                        .containsPattern("\\+44 \\d\\d \\d{4} \\d{4}").containsPattern("4111 \\d{4} \\d{4} \\d{4}");
            }

            TestGateway.Reply stream = g.post("/v1/chat/completions", key, TestGateway.chat("cloud", TEXT, true));
            assertThat(stream.status()).isEqualTo(200);
            assertThat(streamed(stream)[0]).isEqualTo("echo: " + TEXT);

            TestGateway.Reply tool = g.post("/v1/chat/completions", key, withTools(TEXT, false));
            assertThat(tool.status()).as(tool.body()).isEqualTo(200);
            String args = tool.json().at("/choices/0/message/tool_calls/0/function/arguments").asText();
            assertThat(JSON.readTree(args).path("text").asText()).isEqualTo(TEXT);

            TestGateway.Reply toolStream = g.post("/v1/chat/completions", key, withTools(TEXT, true));
            assertThat(toolStream.status()).isEqualTo(200);
            assertThat(JSON.readTree(streamed(toolStream)[1]).path("text").asText()).isEqualTo(TEXT);

            assertThat(up.calls()).isEqualTo(4);
            assertNothingOriginalWasSent(up);
        }
    }

    @Test
    void aConversationKeepsItsSurrogatesAndAnotherKeyOfTheTenantCannotRestoreThem() {
        try (FakeUpstream up = FakeUpstream.start(); TestGateway g = TestGateway.start(dir, yaml(up, "tag"))) {
            String alice = g.createKey(Role.USER, "t", List.of("*"));
            String bob = g.createKey(Role.USER, "t", List.of("*"));
            Map<String, String> conversation = Map.of("x-bastion-conversation", "conv-42");
            g.post("/v1/chat/completions", alice, TestGateway.chat("cloud", "mail maria.rossi@corp-mail.de", false), conversation);
            TestGateway.Reply second = g.post("/v1/chat/completions", alice, TestGateway.chat("cloud",
                    "also bob.stone@corp-mail.de and maria.rossi@corp-mail.de", false), conversation);
            assertThat(up.received().getLast().body().at("/messages/0/content").asText())
                    .isEqualTo("also <EMAIL_ADDRESS_2> and <EMAIL_ADDRESS_1>");
            assertThat(second.json().at("/choices/0/message/content").asText())
                    .isEqualTo("echo: also bob.stone@corp-mail.de and maria.rossi@corp-mail.de");

            TestGateway.Reply other = g.post("/v1/chat/completions", bob, TestGateway.chat("cloud",
                    "who is <EMAIL_ADDRESS_1>? mine is eve@corp-mail.de", false), conversation);
            assertThat(other.status()).isEqualTo(200);
            assertThat(up.received().getLast().body().at("/messages/0/content").asText())
                    .isEqualTo("who is <EMAIL_ADDRESS_1>? mine is <EMAIL_ADDRESS_2>");
            assertThat(other.json().at("/choices/0/message/content").asText())
                    .isEqualTo("echo: who is <EMAIL_ADDRESS_1>? mine is eve@corp-mail.de");
            assertThat(other.body()).doesNotContain("maria.rossi");
        }
    }

    @Test
    void surrogatesTheModelChangedSlightlyAreRestoredStreamedAndNot() throws Exception {
        try (FakeUpstream up = FakeUpstream.start().answer("Hello <person_1>! PERSON_1's file, <PERSON_1>'s mail; PERSON_10 and person_1 stay.")
                .chunks(9); TestGateway g = TestGateway.start(dir, yaml(up, "tag"))) {
            String key = g.createKey(Role.USER, "t", List.of("*"));
            String expected = "Hello Jonathan Miller! Jonathan Miller's file, Jonathan Miller's mail; PERSON_10 and person_1 stay.";
            TestGateway.Reply whole = g.post("/v1/chat/completions", key, TestGateway.chat("cloud", "I am Jonathan Miller.", false));
            assertThat(whole.json().at("/choices/0/message/content").asText()).isEqualTo(expected);
            TestGateway.Reply stream = g.post("/v1/chat/completions", key, TestGateway.chat("cloud", "I am Jonathan Miller.", true));
            assertThat(streamed(stream)[0]).isEqualTo(expected);
            assertNothingOriginalWasSent(up);
        }
    }

    @Test
    void knownValuesInEarlierToolCallArgumentsAreReplacedToo() {
        try (FakeUpstream up = FakeUpstream.start(); TestGateway g = TestGateway.start(dir, yaml(up, "tag"))) {
            String key = g.createKey(Role.USER, "t", List.of("*"));
            String body = "{\"model\":\"cloud\",\"messages\":[{\"role\":\"user\",\"content\":\"mail maria.rossi@corp-mail.de\"},"
                    + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\","
                    + "\"function\":{\"name\":\"send\",\"arguments\":\"{\\\"to\\\":\\\"maria.rossi@corp-mail.de\\\"}\"}}]},"
                    + "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"sent\"}]}";
            TestGateway.Reply r = g.post("/v1/chat/completions", key, body);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            String sent = up.received().getLast().body().toString();
            assertThat(sent).doesNotContain("maria.rossi").contains("<EMAIL_ADDRESS_1>");
        }
    }

    @Test
    void aMalformedConversationIdIsRefusedWithTheHeaderName() {
        try (FakeUpstream up = FakeUpstream.start(); TestGateway g = TestGateway.start(dir, yaml(up, "tag"))) {
            String key = g.createKey(Role.USER, "t", List.of("*"));
            TestGateway.Reply r = g.post("/v1/chat/completions", key, TestGateway.chat("cloud", "hi", false),
                    Map.of("x-bastion-conversation", "has spaces in it"));
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.body()).contains("x-bastion-conversation");
            assertThat(up.calls()).isZero();
        }
    }
}
