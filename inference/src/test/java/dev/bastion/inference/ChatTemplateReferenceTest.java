package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Our templates against the official Jinja templates of Llama 3 and Qwen3 (from the reference packages'
 * tokenizer_config.json), rendered by @huggingface/jinja in node (clients/tokenizers/render.mjs), and our ids
 * for the prompt against those of transformers.js for the same text.
 */
class ChatTemplateReferenceTest {

    static final List<List<ChatMessage>> CHATS = List.of(
            ChatTemplateTest.WEATHER,
            List.of(ChatMessage.user("Bonjour ! Ça va ? 😀")),
            List.of(ChatMessage.system("  Be kind.  "), ChatMessage.user("\n  padded question \n"),
                    ChatMessage.assistant("   padded answer   "), ChatMessage.user("again")),
            List.of(ChatMessage.user("q"), ChatMessage.assistant("calling"), ChatMessage.tool("r1", "a"),
                    ChatMessage.tool("r2", "b"), ChatMessage.assistant("done")),
            List.of(ChatMessage.user("a"), ChatMessage.assistant("<think>\nold\n</think>\n\nA1"),
                    ChatMessage.user("b"), ChatMessage.assistant("<think>\n\nnew thoughts\n\n</think>\n\nA2")),
            List.of(ChatMessage.user("solve"), ChatMessage.assistant("\n\nno think tags")),
            List.of(ChatMessage.system("first"), ChatMessage.user("x"), ChatMessage.system("second"),
                    ChatMessage.user("<tool_response>\nwrapped\n</tool_response>"),
                    ChatMessage.assistant("after wrapped")),
            List.of(ChatMessage.user("代码:\n```py\nprint('hi')\n```\n"), ChatMessage.assistant("好的。")));

    @ParameterizedTest
    @EnumSource(value = ReferenceTokenizers.Family.class, names = {"LLAMA3", "QWEN3"})
    void renderingAndIdsMatchTheOfficialJinjaTemplate(ReferenceTokenizers.Family family) throws Exception {
        HfVocabularies.Converted converted = HfVocabularies.load(family);
        ChatTemplate template = ChatTemplate.detect(family == ReferenceTokenizers.Family.LLAMA3 ? "llama" : "qwen3",
                converted.chatTemplate());
        // Llama 3's packaged template always appends the generation prompt (Meta's official one asks for it).
        List<Boolean> prompts = family == ReferenceTokenizers.Family.LLAMA3 ? List.of(true) : List.of(true, false);
        var cases = new ArrayList<Map.Entry<List<ChatMessage>, Boolean>>();
        for (List<ChatMessage> chat : CHATS) {
            for (boolean prompt : prompts) {
                cases.add(Map.entry(chat, prompt));
            }
        }
        JsonNode reference = render(family, cases);
        var tokenizer = Tokenizer.of(converted.vocabulary());
        for (int i = 0; i < cases.size(); i++) {
            List<ChatMessage> messages = cases.get(i).getKey();
            boolean addGenerationPrompt = cases.get(i).getValue();
            String what = family + " case " + i + " (generation prompt " + addGenerationPrompt + ")";
            String ours = template.render(messages, addGenerationPrompt);
            assertThat(ours).as(what).isEqualTo(reference.get(i).path("text").asText());
            int[] expectedIds = new ObjectMapper().convertValue(reference.get(i).path("ids"), int[].class);
            assertThat(template.encodeChat(tokenizer, messages, addGenerationPrompt)).as(what)
                    .containsExactly(expectedIds);
            assertThat(tokenizer.encodeWithSpecialTokens(ours)).as(what).containsExactly(expectedIds);
        }
        assertThat(cases).hasSizeGreaterThanOrEqualTo(CHATS.size());
    }

    private static JsonNode render(ReferenceTokenizers.Family family,
                                   List<Map.Entry<List<ChatMessage>, Boolean>> cases) throws Exception {
        Path models = ReferenceTokenizers.models(family);
        Path script = models.getParent().getParent().getParent().getParent().resolve("render.mjs");
        var requests = new ArrayList<Map<String, Object>>();
        for (var c : cases) {
            var list = new ArrayList<Map<String, String>>();
            for (ChatMessage m : c.getKey()) {
                list.add(Map.of("role", m.role(), "content", m.content()));
            }
            var request = new LinkedHashMap<String, Object>();
            request.put("messages", list);
            request.put("add_generation_prompt", c.getValue());
            requests.add(request);
        }
        Process p;
        try {
            p = new ProcessBuilder("node", script.toString(), family.packageName)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (java.io.IOException e) {
            boolean required = "required".equals(System.getenv("BASTION_TEST_TOKENIZERS"));
            assertThat(required).as("BASTION_TEST_TOKENIZERS=required but node cannot run: " + e.getMessage())
                    .isFalse();
            Assumptions.abort("node is not installed: " + e.getMessage());
            throw e;
        }
        try (var stdin = p.getOutputStream()) {
            stdin.write(new ObjectMapper().writeValueAsBytes(requests));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("node render.mjs failed; output: " + out).isZero();
        return new ObjectMapper().readTree(out);
    }
}
