package dev.bastion.gateway.api.dialect;

import static dev.bastion.gateway.api.dialect.Chat.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ResponsesDialectTest {
    private final ResponsesDialect dialect = new ResponsesDialect("resp_abc", 1_700_000_123L);

    @Test
    void aStringInputBecomesOneUserMessageAfterTheInstructions() {
        ObjectNode chat = dialect.toChat(json("{'model':'m','instructions':'be brief','input':'hi','max_output_tokens':40,"
                + "'temperature':0.2,'top_p':0.9,'stream':true,'store':false,'metadata':{'k':'v'}}"));
        assertThat(chat).isEqualTo(json("{'model':'m','messages':[{'role':'system','content':'be brief'},"
                + "{'role':'user','content':'hi'}],'max_tokens':40,'temperature':0.2,'top_p':0.9,'stream':true,"
                + "'stream_options':{'include_usage':true}}"));
    }

    @Test
    void inputItemsBecomeMessagesToolCallsAndToolMessages() {
        ObjectNode chat = dialect.toChat(json("{'model':'m','input':["
                + "{'role':'developer','content':'rules'},"
                + "{'type':'message','role':'user','content':[{'type':'input_text','text':'a'},"
                + "{'type':'input_image','image_url':'https://example.com/x.png'}]},"
                + "{'type':'message','role':'assistant','content':[{'type':'output_text','text':'b'}]},"
                + "{'type':'function_call','call_id':'c1','name':'f','arguments':'{}'},"
                + "{'type':'function_call','call_id':'c2','name':'g','arguments':'{\\\"x\\\":1}'},"
                + "{'type':'function_call_output','call_id':'c1','output':'one'},"
                + "{'type':'function_call_output','call_id':'c2','output':[{'type':'input_text','text':'two'}]}]}"));
        JsonNode m = chat.path("messages");
        assertThat(m.size()).isEqualTo(5);
        assertThat(m.get(0)).isEqualTo(json("{'role':'developer','content':'rules'}"));
        assertThat(m.get(1).path("content")).isEqualTo(json("{'c':[{'type':'text','text':'a'},"
                + "{'type':'image_url','image_url':{'url':'https://example.com/x.png'}}]}").get("c"));
        assertThat(m.get(2).at("/content/0/text").asText()).isEqualTo("b");
        assertThat(m.get(2).path("tool_calls").size()).as("calls join the assistant turn before them").isEqualTo(2);
        assertThat(m.get(2).at("/tool_calls/1")).isEqualTo(json("{'id':'c2','type':'function','function':{'name':'g',"
                + "'arguments':'{\\\"x\\\":1}'}}"));
        assertThat(m.get(3)).isEqualTo(json("{'role':'tool','tool_call_id':'c1','content':'one'}"));
        assertThat(m.get(4).at("/content/0/text").asText()).isEqualTo("two");
    }

    @Test
    void functionToolsToolChoiceAndJsonSchemaFormatTranslate() {
        ObjectNode chat = dialect.toChat(json("{'model':'m','input':'x','tools':[{'type':'function','name':'f',"
                + "'description':'d','parameters':{'type':'object'},'strict':true}],'tool_choice':{'type':'function','name':'f'},"
                + "'parallel_tool_calls':false,'text':{'format':{'type':'json_schema','name':'s','schema':{'type':'object'}}}}"));
        assertThat(chat.path("tools")).isEqualTo(json("{'t':[{'type':'function','function':{'name':'f','description':'d',"
                + "'parameters':{'type':'object'},'strict':true}}]}").get("t"));
        assertThat(chat.path("tool_choice")).isEqualTo(json("{'type':'function','function':{'name':'f'}}"));
        assertThat(chat.path("parallel_tool_calls").asBoolean()).isFalse();
        assertThat(chat.path("response_format")).isEqualTo(json("{'type':'json_schema','json_schema':{'name':'s',"
                + "'schema':{'type':'object'}}}"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "no input|{'model':'m'}|input",
        "input of the wrong type|{'model':'m','input':5}|input",
        "an empty input list|{'model':'m','input':[]}|input",
        "no model|{'input':'x'}|model",
        "an unknown item type|{'model':'m','input':[{'type':'reasoning','summary':[]}]}|input[0].type",
        "an item reference|{'model':'m','input':[{'type':'item_reference','id':'x'}]}|input[0].type",
        "an unknown role|{'model':'m','input':[{'role':'tool','content':'x'}]}|input[0].role",
        "an unknown part type|{'model':'m','input':[{'role':'user','content':[{'type':'input_file','file_id':'f'}]}]}|input[0].content[0].type",
        "a function call without arguments|{'model':'m','input':[{'type':'function_call','call_id':'c','name':'f'}]}|input[0].arguments",
        "a hosted tool|{'model':'m','input':'x','tools':[{'type':'web_search'}]}|tools[0].type",
        "a bad tool choice|{'model':'m','input':'x','tool_choice':'sometimes'}|tool_choice",
        "previous_response_id|{'model':'m','input':'x','previous_response_id':'resp_1'}|previous_response_id",
        "store true|{'model':'m','input':'x','store':true}|store",
        "automatic truncation|{'model':'m','input':'x','truncation':'auto'}|truncation",
        "an unknown field|{'model':'m','input':'x','background':true}|background",
        "an unknown format|{'model':'m','input':'x','text':{'format':{'type':'yaml'}}}|text.format.type",
    })
    void aRequestItCannotTranslateIsA400NamingTheField(String what, String body, String param) {
        assertThat(Chat.refused(dialect, body).param()).as(what).contains(param);
    }

    @Test
    void aChatAnswerBecomesACompletedResponseWithAMessageItemAndUsage() {
        dialect.toChat(json("{'model':'m','input':'x','instructions':'i'}"));
        ObjectNode r = dialect.answer(Chat.completion("hello", "stop"));
        assertThat(r.path("id").asText()).isEqualTo("resp_abc");
        assertThat(r.path("object").asText()).isEqualTo("response");
        assertThat(r.path("created_at").asLong()).isEqualTo(1_700_000_123L);
        assertThat(r.path("status").asText()).isEqualTo("completed");
        assertThat(r.path("instructions").asText()).isEqualTo("i");
        assertThat(r.path("output")).isEqualTo(json("{'o':[{'id':'msg_abc','type':'message','status':'completed',"
                + "'role':'assistant','content':[{'type':'output_text','text':'hello','annotations':[]}]}]}").get("o"));
        assertThat(r.at("/usage/input_tokens").asInt()).isEqualTo(11);
        assertThat(r.at("/usage/output_tokens").asInt()).isEqualTo(7);
        assertThat(r.at("/usage/total_tokens").asInt()).isEqualTo(18);
    }

    @Test
    void toolCallsBecomeFunctionCallItemsAndALengthStopIsIncomplete() {
        dialect.toChat(json("{'model':'m','input':'x'}"));
        ObjectNode calls = dialect.answer(Chat.completion(null, "tool_calls", "f", "{\"a\":1}"));
        assertThat(calls.path("output").size()).isEqualTo(1);
        assertThat(calls.at("/output/0")).isEqualTo(json("{'id':'fc_abc_0','type':'function_call','status':'completed',"
                + "'call_id':'call_0','name':'f','arguments':'{\\\"a\\\":1}'}"));
        ObjectNode cut = dialect.answer(Chat.completion("partial", "length"));
        assertThat(cut.path("status").asText()).isEqualTo("incomplete");
        assertThat(cut.at("/incomplete_details/reason").asText()).isEqualTo("max_output_tokens");
    }

    @Test
    void aStreamIsTranslatedIntoTheResponsesEventsInOrder() {
        dialect.toChat(json("{'model':'m','input':'x','stream':true}"));
        List<Dialect.Event> events = Chat.play(dialect, Chat.chunk("{'role':'assistant','content':''}", null),
                Chat.textChunk("Hel"), Chat.textChunk("lo"), Chat.chunk("{}", "stop"), Chat.usageChunk());
        assertThat(events).extracting(Dialect.Event::name).containsExactly("response.created", "response.in_progress",
                "response.output_item.added", "response.content_part.added", "response.output_text.delta",
                "response.output_text.delta", "response.output_text.done", "response.content_part.done",
                "response.output_item.done", "response.completed");
        for (int i = 0; i < events.size(); i++) {
            assertThat(Chat.data(events.get(i)).path("sequence_number").asInt()).isEqualTo(i);
            assertThat(Chat.data(events.get(i)).path("type").asText()).isEqualTo(events.get(i).name());
        }
        assertThat(Chat.data(events.get(4)).path("delta").asText()).isEqualTo("Hel");
        assertThat(Chat.data(events.get(6)).path("text").asText()).isEqualTo("Hello");
        JsonNode done = Chat.data(events.getLast()).path("response");
        assertThat(done.path("status").asText()).isEqualTo("completed");
        assertThat(done.at("/output/0/content/0/text").asText()).isEqualTo("Hello");
        assertThat(done.at("/usage/total_tokens").asInt()).isEqualTo(18);
        assertThat(Chat.data(events.getFirst()).at("/response/status").asText()).isEqualTo("in_progress");
    }

    @Test
    void aStreamedToolCallIsOneFunctionCallItemWhoseArgumentsStreamAsTheyCome() {
        dialect.toChat(json("{'model':'m','input':'x','stream':true}"));
        List<Dialect.Event> events = Chat.play(dialect,
                Chat.chunk("{'tool_calls':[{'index':0,'id':'c9','type':'function','function':{'name':'f','arguments':''}}]}", null),
                Chat.chunk("{'tool_calls':[{'index':0,'function':{'arguments':'{\\\"a\\\"'}}]}", null),
                Chat.chunk("{'tool_calls':[{'index':0,'function':{'arguments':':1}'}}]}", null),
                Chat.chunk("{}", "tool_calls"));
        assertThat(events).extracting(Dialect.Event::name).containsExactly("response.created", "response.in_progress",
                "response.output_item.added", "response.function_call_arguments.delta",
                "response.function_call_arguments.delta", "response.function_call_arguments.done",
                "response.output_item.done", "response.completed");
        assertThat(Chat.data(events.get(3)).path("delta").asText()).isEqualTo("{\"a\"");
        assertThat(Chat.data(events.get(4)).path("delta").asText()).isEqualTo(":1}");
        assertThat(Chat.data(events.get(3)).path("item_id").asText()).isEqualTo(Chat.data(events.get(2)).at("/item/id").asText());
        assertThat(Chat.data(events.get(5)).path("arguments").asText()).isEqualTo("{\"a\":1}");
        assertThat(Chat.data(events.getLast()).at("/response/output/0/call_id").asText()).isEqualTo("c9");
    }

    @Test
    void twoStreamedCallsAreTwoItemsOneAfterTheOtherWithTheirOwnIdsAndIndexes() {
        dialect.toChat(json("{'model':'m','input':'x','stream':true}"));
        List<Dialect.Event> events = Chat.play(dialect,
                Chat.chunk("{'tool_calls':[{'index':0,'id':'c1','type':'function','function':{'name':'f','arguments':'{}'}}]}", null),
                Chat.chunk("{'tool_calls':[{'index':1,'id':'c2','type':'function','function':{'name':'g','arguments':'{'}}]}", null),
                Chat.chunk("{'tool_calls':[{'index':1,'function':{'arguments':'}'}}]}", null),
                Chat.chunk("{}", "tool_calls"));
        assertThat(events).extracting(Dialect.Event::name).containsExactly("response.created", "response.in_progress",
                "response.output_item.added", "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.output_item.done",
                "response.output_item.added", "response.function_call_arguments.delta",
                "response.function_call_arguments.delta", "response.function_call_arguments.done",
                "response.output_item.done", "response.completed");
        assertThat(Chat.data(events.get(6)).path("output_index").asInt()).isEqualTo(1);
        assertThat(Chat.data(events.get(7)).path("item_id").asText()).isEqualTo(Chat.data(events.get(6)).at("/item/id").asText())
                .isNotEqualTo(Chat.data(events.get(3)).path("item_id").asText());
        assertThat(Chat.data(events.getLast()).at("/response/output/1/call_id").asText()).isEqualTo("c2");
    }

    @Test
    void moreArgumentsForAFinishedCallEndTheStreamWithAnErrorEventAndNothingAfterIt() {
        Dialect.StreamTranslator t = dialect.stream();
        t.chunk(Chat.chunk("{'tool_calls':[{'index':0,'id':'c1','type':'function','function':{'name':'f','arguments':'{}'}}]}", null));
        t.chunk(Chat.chunk("{'tool_calls':[{'index':1,'id':'c2','type':'function','function':{'name':'g','arguments':'{'}}]}", null));
        List<Dialect.Event> events = t.chunk(Chat.chunk("{'tool_calls':[{'index':0,'function':{'arguments':'1'}}]}", null));
        assertThat(events).extracting(Dialect.Event::name).containsExactly("error");
        assertThat(Chat.data(events.getFirst()).path("code").asText()).isEqualTo("invalid_tool_arguments");
        assertThat(t.done()).isEmpty();
    }

    @Test
    void anErrorAfterTheStreamStartedIsAnErrorEvent() {
        Dialect.StreamTranslator t = dialect.stream();
        t.chunk(Chat.textChunk("a"));
        List<Dialect.Event> events = t.error(json("{'message':'blocked','type':'policy_violation','param':null,'code':'output_blocked'}"));
        assertThat(events).extracting(Dialect.Event::name).containsExactly("error");
        assertThat(Chat.data(events.getFirst()).path("code").asText()).isEqualTo("output_blocked");
    }
}
