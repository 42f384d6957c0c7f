package dev.bastion.gateway.api.dialect;

import static dev.bastion.gateway.api.dialect.Chat.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.api.Refusal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MessagesDialectTest {
    private final MessagesDialect dialect = new MessagesDialect("msg_abc");

    @Test
    void systemBlocksMessagesStopSequencesAndSamplingTranslate() {
        ObjectNode chat = dialect.toChat(json("{'model':'m','max_tokens':100,'system':[{'type':'text','text':'s'}],"
                + "'messages':[{'role':'user','content':'hi'},{'role':'assistant','content':[{'type':'text','text':'yo'}]}],"
                + "'stop_sequences':['END'],'temperature':0.5,'top_k':40,'metadata':{'user_id':'u1'}}"));
        assertThat(chat).isEqualTo(json("{'model':'m','max_tokens':100,'messages':[{'role':'system','content':"
                + "[{'type':'text','text':'s'}]},{'role':'user','content':'hi'},{'role':'assistant','content':"
                + "[{'type':'text','text':'yo'}]}],'stop':['END'],'temperature':0.5,'top_k':40,'user':'u1'}"));
    }

    @Test
    void toolUseAndToolResultBlocksBecomeToolCallsAndToolMessagesBeforeTheUsersText() {
        ObjectNode chat = dialect.toChat(json("{'model':'m','max_tokens':10,'messages':["
                + "{'role':'user','content':'weather?'},"
                + "{'role':'assistant','content':[{'type':'text','text':'checking'},{'type':'tool_use','id':'toolu_1',"
                + "'name':'get_weather','input':{'city':'Paris'}}]},"
                + "{'role':'user','content':[{'type':'tool_result','tool_use_id':'toolu_1','content':[{'type':'text',"
                + "'text':'sunny'}]},{'type':'text','text':'and tomorrow?'}]}],"
                + "'tools':[{'name':'get_weather','description':'d','input_schema':{'type':'object'}}],"
                + "'tool_choice':{'type':'tool','name':'get_weather','disable_parallel_tool_use':true}}"));
        JsonNode m = chat.path("messages");
        assertThat(m.get(1).at("/tool_calls/0")).isEqualTo(json("{'id':'toolu_1','type':'function','function':"
                + "{'name':'get_weather','arguments':'{\\\"city\\\":\\\"Paris\\\"}'}}"));
        assertThat(m.get(2)).isEqualTo(json("{'role':'tool','tool_call_id':'toolu_1','content':[{'type':'text','text':'sunny'}]}"));
        assertThat(m.get(3)).isEqualTo(json("{'role':'user','content':[{'type':'text','text':'and tomorrow?'}]}"));
        assertThat(chat.path("tools")).isEqualTo(json("{'t':[{'type':'function','function':{'name':'get_weather',"
                + "'description':'d','parameters':{'type':'object'}}}]}").get("t"));
        assertThat(chat.path("tool_choice")).isEqualTo(json("{'type':'function','function':{'name':'get_weather'}}"));
        assertThat(chat.path("parallel_tool_calls").asBoolean()).isFalse();
    }

    @Test
    void aBase64ImageBecomesADataUrl() {
        ObjectNode chat = dialect.toChat(json("{'model':'m','max_tokens':10,'messages':[{'role':'user','content':["
                + "{'type':'image','source':{'type':'base64','media_type':'image/png','data':'iVBO'}}]}]}"));
        assertThat(chat.at("/messages/0/content/0/image_url/url").asText()).isEqualTo("data:image/png;base64,iVBO");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "no max_tokens|{'model':'m','messages':[{'role':'user','content':'x'}]}|max_tokens",
        "max_tokens of the wrong type|{'model':'m','max_tokens':'9','messages':[{'role':'user','content':'x'}]}|max_tokens",
        "zero max_tokens|{'model':'m','max_tokens':0,'messages':[{'role':'user','content':'x'}]}|max_tokens",
        "no messages|{'model':'m','max_tokens':9}|messages",
        "messages of the wrong type|{'model':'m','max_tokens':9,'messages':'x'}|messages",
        "a system role in messages|{'model':'m','max_tokens':9,'messages':[{'role':'system','content':'x'}]}|messages[0].role",
        "an unknown block|{'model':'m','max_tokens':9,'messages':[{'role':'user','content':[{'type':'document'}]}]}|messages[0].content[0].type",
        "a thinking block|{'model':'m','max_tokens':9,'messages':[{'role':'assistant','content':[{'type':'thinking','thinking':'t'}]}]}|messages[0].content[0].type",
        "tool_use from the user|{'model':'m','max_tokens':9,'messages':[{'role':'user','content':[{'type':'tool_use','id':'t','name':'f','input':{}}]}]}|messages[0].content[0]",
        "a tool_use input that is not an object|{'model':'m','max_tokens':9,'messages':[{'role':'assistant','content':[{'type':'tool_use','id':'t','name':'f','input':'x'}]}]}|messages[0].content[0].input",
        "a system of the wrong type|{'model':'m','max_tokens':9,'system':5,'messages':[{'role':'user','content':'x'}]}|system",
        "a server tool|{'model':'m','max_tokens':9,'tools':[{'type':'web_search_20250305','name':'web_search'}],'messages':[{'role':'user','content':'x'}]}|tools[0].type",
        "a tool without a schema|{'model':'m','max_tokens':9,'tools':[{'name':'f'}],'messages':[{'role':'user','content':'x'}]}|tools[0].input_schema",
        "an unknown tool choice|{'model':'m','max_tokens':9,'tool_choice':{'type':'some'},'messages':[{'role':'user','content':'x'}]}|tool_choice.type",
        "a temperature above 1|{'model':'m','max_tokens':9,'temperature':1.5,'messages':[{'role':'user','content':'x'}]}|temperature",
        "extended thinking|{'model':'m','max_tokens':9,'thinking':{'type':'enabled','budget_tokens':10},'messages':[{'role':'user','content':'x'}]}|thinking",
        "an unknown field|{'model':'m','max_tokens':9,'container':'c','messages':[{'role':'user','content':'x'}]}|container",
    })
    void aRequestItCannotTranslateIsA400NamingTheField(String what, String body, String param) {
        assertThat(Chat.refused(dialect, body).param()).as(what).contains(param);
    }

    @Test
    void aChatAnswerBecomesAMessageWithTextAndToolUseBlocks() {
        assertThat(dialect.answer(Chat.completion("hi", "stop"))).hasToString(json("{'id':'msg_abc','type':'message',"
                + "'role':'assistant','model':'m','content':[{'type':'text','text':'hi'}],'stop_reason':'end_turn',"
                + "'stop_sequence':null,'usage':{'input_tokens':11,'output_tokens':7}}").toString());
        ObjectNode tool = dialect.answer(Chat.completion("let me look", "tool_calls", "get_weather", "{\"city\":\"Paris\"}"));
        assertThat(tool.path("content")).isEqualTo(json("{'c':[{'type':'text','text':'let me look'},{'type':'tool_use',"
                + "'id':'call_0','name':'get_weather','input':{'city':'Paris'}}]}").get("c"));
        assertThat(tool.path("stop_reason").asText()).isEqualTo("tool_use");
        assertThat(dialect.answer(Chat.completion("cut", "length")).path("stop_reason").asText()).isEqualTo("max_tokens");
    }

    @Test
    void aStopSequenceTheBackendNamedIsReportedPlainAndStreamedWhenTheRequestAskedForIt() {
        dialect.toChat(json("{'model':'m','max_tokens':9,'stop_sequences':['###','END'],'messages':[{'role':'user','content':'x'}]}"));
        ObjectNode answer = Chat.completion("a", "stop");
        ((ObjectNode) answer.at("/choices/0")).put("bastion_stop_sequence", "END");
        ObjectNode message = dialect.answer(answer);
        assertThat(message.path("stop_reason").asText()).isEqualTo("stop_sequence");
        assertThat(message.path("stop_sequence").asText()).isEqualTo("END");
        assertThat(message.toString()).doesNotContain("bastion_");

        ObjectNode last = Chat.chunk("{}", "stop");
        ((ObjectNode) last.at("/choices/0")).put("bastion_stop_sequence", "###");
        List<Dialect.Event> events = Chat.play(dialect, Chat.textChunk("a"), last, Chat.usageChunk());
        JsonNode delta = Chat.data(events.get(events.size() - 2));
        assertThat(delta.path("type").asText()).isEqualTo("message_delta");
        assertThat(delta.path("delta")).isEqualTo(json("{'stop_reason':'stop_sequence','stop_sequence':'###'}"));
    }

    @Test
    void aStopSequenceTheRequestDidNotAskForOrNoneAtAllIsAnEndTurn() {
        dialect.toChat(json("{'model':'m','max_tokens':9,'stop_sequences':['END'],'messages':[{'role':'user','content':'x'}]}"));
        ObjectNode other = Chat.completion("a", "stop");
        ((ObjectNode) other.at("/choices/0")).put("bastion_stop_sequence", "OTHER");
        assertThat(dialect.answer(other).path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(dialect.answer(other).path("stop_sequence").isNull()).isTrue();
        assertThat(dialect.answer(Chat.completion("a", "stop")).path("stop_reason").asText()).isEqualTo("end_turn");
        ObjectNode cut = Chat.completion("a", "length");
        ((ObjectNode) cut.at("/choices/0")).put("bastion_stop_sequence", "END");
        assertThat(dialect.answer(cut).path("stop_reason").asText()).as("only a stop can be a stop sequence").isEqualTo("max_tokens");
        List<Dialect.Event> events = Chat.play(dialect, Chat.textChunk("a"), Chat.chunk("{}", "stop"));
        assertThat(Chat.data(events.get(events.size() - 2)).path("delta"))
                .isEqualTo(json("{'stop_reason':'end_turn','stop_sequence':null}"));
    }

    @Test
    void toolArgumentsThatAreNotAJsonObjectAreRefusedRatherThanPassedOnBroken() {
        Refusal r = catchThrowableOfType(Refusal.class, () -> dialect.answer(Chat.completion(null, "tool_calls", "f", "[1,")));
        assertThat(r.error().status()).isEqualTo(502);
        assertThat(r.error().message()).doesNotContain("[1,");
    }

    @Test
    void aStreamIsTranslatedIntoTheMessagesEventsWithTextThenToolBlocksWhoseArgumentsStreamAsTheyCome() {
        List<Dialect.Event> events = Chat.play(dialect, Chat.chunk("{'role':'assistant','content':''}", null),
                Chat.textChunk("Hel"), Chat.textChunk("lo"),
                Chat.chunk("{'tool_calls':[{'index':0,'id':'c1','type':'function','function':{'name':'f','arguments':'{\\\"a\\\"'}}]}", null),
                Chat.chunk("{'tool_calls':[{'index':0,'function':{'arguments':':1}'}}]}", null),
                Chat.chunk("{}", "tool_calls"), Chat.usageChunk());
        assertThat(events).extracting(Dialect.Event::name).containsExactly("message_start", "content_block_start",
                "content_block_delta", "content_block_delta", "content_block_stop", "content_block_start",
                "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop");
        assertThat(Chat.data(events.get(0)).at("/message/id").asText()).isEqualTo("msg_abc");
        assertThat(Chat.data(events.get(2)).path("delta")).isEqualTo(json("{'type':'text_delta','text':'Hel'}"));
        assertThat(Chat.data(events.get(5)).path("index").asInt()).isEqualTo(1);
        assertThat(Chat.data(events.get(5)).at("/content_block/type").asText()).isEqualTo("tool_use");
        assertThat(Chat.data(events.get(6)).path("delta")).isEqualTo(json("{'type':'input_json_delta','partial_json':'{\\\"a\\\"'}"));
        assertThat(Chat.data(events.get(7)).path("delta")).isEqualTo(json("{'type':'input_json_delta','partial_json':':1}'}"));
        JsonNode delta = Chat.data(events.get(9));
        assertThat(delta.at("/delta/stop_reason").asText()).isEqualTo("tool_use");
        assertThat(delta.path("usage")).hasToString(json("{'input_tokens':11,'output_tokens':7}").toString());
        for (Dialect.Event e : events) {
            assertThat(Chat.data(e).path("type").asText()).isEqualTo(e.name());
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "400, invalid_request_error, invalid_request_error",
        "401, authentication_error, authentication_error",
        "403, permission_error, permission_error",
        "403, policy_violation, permission_error",
        "404, invalid_request_error, not_found_error",
        "413, invalid_request_error, request_too_large",
        "429, rate_limit_error, rate_limit_error",
        "500, server_error, api_error",
        "502, upstream_error, api_error",
        "503, server_error, overloaded_error",
    })
    void errorsTakeAnthropicsShapeAndTypeByStatus(int status, String openAiType, String anthropicType) {
        ApiError error = new ApiError(status, openAiType, "some_code", "what went wrong", java.util.Optional.empty(),
                java.util.Optional.of(Duration.ofSeconds(3)));
        ObjectNode body = dialect.errorBody(error);
        assertThat(body.path("type").asText()).isEqualTo("error");
        assertThat(body.at("/error/type").asText()).isEqualTo(anthropicType);
        assertThat(body.at("/error/message").asText()).isEqualTo("what went wrong");
    }

    @Test
    void anErrorInsideAStreamIsAnErrorEventTypedByOpenAisType() {
        List<Dialect.Event> events = dialect.stream().error(json("{'message':'no','type':'policy_violation','param':null,"
                + "'code':'output_blocked'}"));
        assertThat(events).extracting(Dialect.Event::name).containsExactly("error");
        assertThat(Chat.data(events.getFirst())).isEqualTo(json("{'type':'error','error':{'type':'permission_error','message':'no'}}"));
    }
}
