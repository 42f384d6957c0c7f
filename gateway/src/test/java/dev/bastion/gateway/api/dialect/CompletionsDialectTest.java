package dev.bastion.gateway.api.dialect;

import static dev.bastion.gateway.api.dialect.Chat.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.ChatRequest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CompletionsDialectTest {
    private final CompletionsDialect dialect = new CompletionsDialect("cmpl-abc", 1_700_000_123L);

    @Test
    void aPromptBecomesOneUserMessageMarkedAsATextCompletionWithOpenAisDefaultLength() {
        ObjectNode chat = dialect.toChat(json("{'model':'m','prompt':'Once upon','stop':['\\\\n'],'temperature':0,"
                + "'seed':7,'echo':false,'n':1}"));
        assertThat(chat).isEqualTo(json("{'model':'m','stop':['\\\\n'],'temperature':0,'seed':7,'max_tokens':16,"
                + "'messages':[{'role':'user','content':'Once upon'}],'" + ChatRequest.TEXT_COMPLETION + "':true}"));
        assertThat(ChatRequest.from(chat).textCompletion()).isTrue();
    }

    @Test
    void aListOfOnePromptIsThatPromptAndAStreamAsksTheBackendForUsage() {
        ObjectNode chat = dialect.toChat(json("{'model':'m','prompt':['Once'],'max_tokens':5,'stream':true}"));
        assertThat(chat.at("/messages/0/content").asText()).isEqualTo("Once");
        assertThat(chat.path("max_tokens").asInt()).isEqualTo(5);
        assertThat(chat.at("/stream_options/include_usage").asBoolean()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "no prompt|{'model':'m'}|prompt",
        "several prompts|{'model':'m','prompt':['a','b']}|prompt",
        "token ids|{'model':'m','prompt':[1,2,3]}|prompt",
        "a prompt of the wrong type|{'model':'m','prompt':{'text':'a'}}|prompt",
        "echo|{'model':'m','prompt':'a','echo':true}|echo",
        "several choices|{'model':'m','prompt':'a','n':2}|n",
        "best of|{'model':'m','prompt':'a','best_of':3}|best_of",
        "logprobs|{'model':'m','prompt':'a','logprobs':2}|logprobs",
        "a suffix|{'model':'m','prompt':'a','suffix':'z'}|suffix",
        "an unknown field|{'model':'m','prompt':'a','tools':[]}|tools",
    })
    void aRequestItCannotTranslateIsA400NamingTheField(String what, String body, String param) {
        assertThat(Chat.refused(dialect, body).param()).as(what).contains(param);
    }

    @Test
    void aChatAnswerBecomesATextCompletion() {
        dialect.toChat(json("{'model':'m','prompt':'a'}"));
        assertThat(dialect.answer(Chat.completion(" there was", "length"))).hasToString(json("{'id':'cmpl-abc',"
                + "'object':'text_completion','created':1700000000,'model':'m','choices':[{'text':' there was','index':0,"
                + "'logprobs':null,'finish_reason':'length'}],'usage':{'prompt_tokens':11,'completion_tokens':7,"
                + "'total_tokens':18}}").toString());
    }

    @Test
    void aStreamSendsTextChunksThenDoneAndUsageOnlyWhenAskedFor() {
        dialect.toChat(json("{'model':'m','prompt':'a','stream':true}"));
        List<Dialect.Event> events = Chat.play(dialect, Chat.chunk("{'role':'assistant','content':''}", null),
                Chat.textChunk(" a"), Chat.chunk("{}", "stop"), Chat.usageChunk());
        assertThat(events).extracting(Dialect.Event::name).containsOnly("");
        assertThat(events).hasSize(3);
        assertThat(Chat.data(events.get(0)).at("/choices/0/text").asText()).isEqualTo(" a");
        assertThat(Chat.data(events.get(0)).path("object").asText()).isEqualTo("text_completion");
        assertThat(Chat.data(events.get(1)).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(events.get(2).data()).isEqualTo("[DONE]");

        CompletionsDialect withUsage = new CompletionsDialect("cmpl-x", 0);
        withUsage.toChat(json("{'model':'m','prompt':'a','stream':true,'stream_options':{'include_usage':true}}"));
        List<Dialect.Event> counted = Chat.play(withUsage, Chat.textChunk(" a"), Chat.chunk("{}", "stop"), Chat.usageChunk());
        assertThat(Chat.data(counted.get(2)).at("/usage/total_tokens").asInt()).isEqualTo(18);
    }

    @Test
    void anErrorAfterTheStreamStartedKeepsOpenAisShape() {
        List<Dialect.Event> events = dialect.stream().error(json("{'message':'m','type':'server_error','param':null,'code':'c'}"));
        assertThat(Chat.data(events.getFirst()).at("/error/code").asText()).isEqualTo("c");
    }
}
