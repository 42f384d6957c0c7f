package dev.bastion.gateway.api.dialect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The folder turns chat chunks into blocks one after another, streaming tool-call arguments as they arrive. */
class ChunkFolderTest {
    /** Records the blocks as lines: {@code text:..}, {@code endText}, {@code start:id:name}, {@code args:..}, {@code end:id:arguments}. */
    static final class Recorder implements ChunkFolder.Blocks {
        final List<String> log = new ArrayList<>();

        @Override
        public void text(String text, String obfuscation) {
            log.add("text:" + text);
        }

        @Override
        public void endText() {
            log.add("endText");
        }

        @Override
        public void callStart(String id, String name) {
            log.add("start:" + id + ":" + name);
        }

        @Override
        public void callArguments(String fragment) {
            log.add("args:" + fragment);
        }

        @Override
        public void callEnd(ChatAnswer.ToolCall call) {
            log.add("end:" + call.id() + ":" + call.arguments());
        }

        List<String> arguments() {
            return log.stream().filter(l -> l.startsWith("args:")).map(l -> l.substring(5)).toList();
        }
    }

    private final Recorder blocks = new Recorder();
    private final ChunkFolder folder = new ChunkFolder(blocks);

    private static ObjectNode call(int index, String id, String name, String arguments) {
        ObjectNode c = Json.MAPPER.createObjectNode().put("index", index);
        if (id != null) {
            c.put("id", id).put("type", "function");
        }
        ObjectNode fn = c.putObject("function");
        if (name != null) {
            fn.put("name", name);
        }
        fn.put("arguments", arguments);
        ObjectNode delta = Json.MAPPER.createObjectNode();
        delta.putArray("tool_calls").add(c);
        return Chat.chunk(delta.toString(), null);
    }

    private static List<String> fragments(String text, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(text.substring(i * text.length() / n, (i + 1) * text.length() / n));
        }
        return out;
    }

    @Test
    void oneCallsArgumentsGoOutFragmentByFragmentBetweenItsStartAndItsEnd() {
        String arguments = "{\"city\":\"Paris\",\"unit\":\"celsius\",\"days\":[1,2,3]}";
        List<String> pieces = fragments(arguments, 20);
        assertThat(pieces).hasSize(20);
        folder.accept(call(0, "c1", "weather", ""));
        assertThat(blocks.log).as("a block opens at its first argument fragment, not at the bare header").isEmpty();
        for (String piece : pieces) {
            int before = blocks.log.size();
            folder.accept(call(0, null, null, piece));
            assertThat(blocks.log.subList(before, blocks.log.size())).as("each fragment goes out as it comes")
                    .contains("args:" + piece);
        }
        folder.accept(Chat.chunk("{}", "tool_calls"));
        assertThat(blocks.log.getFirst()).isEqualTo("start:c1:weather");
        assertThat(blocks.arguments()).containsExactlyElementsOf(pieces);
        assertThat(String.join("", blocks.arguments())).isEqualTo(arguments);
        assertThat(blocks.log.getLast()).isEqualTo("end:c1:" + arguments);
        assertThat(folder.finishReason()).isEqualTo("tool_calls");
    }

    @Test
    void anEarlierCallEndsWhenALaterOneStartsAndTheLaterOneStreamsToo() {
        folder.accept(Chat.textChunk("Let me look."));
        folder.accept(call(0, "c1", "a", "{\"x\":"));
        folder.accept(call(0, null, null, "1}"));
        assertThat(blocks.log).containsExactly("text:Let me look.", "endText", "start:c1:a", "args:{\"x\":", "args:1}");
        folder.accept(call(1, "c2", "b", "{\"y\""));
        assertThat(blocks.log).endsWith("end:c1:{\"x\":1}", "start:c2:b", "args:{\"y\"");
        folder.accept(call(1, null, null, ":2}"));
        assertThat(blocks.log).endsWith("args::2}");
        folder.finish();
        assertThat(blocks.log).endsWith("end:c2:{\"y\":2}");
    }

    @Test
    void interleavedCallsHoldTheLaterOneUntilTheEarlierOnesJsonIsComplete() {
        folder.accept(call(0, "c1", "a", "{\"x\":"));
        folder.accept(call(1, "c2", "b", "{\"y\":"));
        folder.accept(call(0, null, null, "\"one"));
        folder.accept(call(1, null, null, "\"two\"}"));
        assertThat(blocks.log).as("nothing of the later call while the earlier one is unfinished")
                .containsExactly("start:c1:a", "args:{\"x\":", "args:\"one");
        folder.accept(call(0, null, null, "\"}"));
        assertThat(blocks.log).containsExactly("start:c1:a", "args:{\"x\":", "args:\"one", "args:\"}",
                "end:c1:{\"x\":\"one\"}", "start:c2:b", "args:{\"y\":\"two\"}");
        folder.finish();
        assertThat(blocks.log.getLast()).isEqualTo("end:c2:{\"y\":\"two\"}");
    }

    @Test
    void aCallWhoseArgumentsNeverFormJsonHoldsTheLaterOnesUntilTheTurnEnds() {
        folder.accept(call(0, "c1", "a", "not json"));
        folder.accept(call(1, "c2", "b", "{}"));
        assertThat(blocks.log).containsExactly("start:c1:a", "args:not json");
        folder.accept(Chat.chunk("{}", "tool_calls"));
        assertThat(blocks.log).containsExactly("start:c1:a", "args:not json", "end:c1:not json", "start:c2:b",
                "args:{}", "end:c2:{}");
    }

    @Test
    void textAfterAFinishedCallClosesItAndTextAfterAnUnfinishedOneWaits() {
        folder.accept(call(0, "c1", "a", "{\"x\":1"));
        folder.accept(Chat.textChunk("and "));
        assertThat(blocks.log).containsExactly("start:c1:a", "args:{\"x\":1");
        folder.accept(call(0, null, null, "}"));
        folder.accept(Chat.textChunk("more"));
        assertThat(blocks.log).containsExactly("start:c1:a", "args:{\"x\":1", "args:}", "end:c1:{\"x\":1}",
                "text:and ", "text:more");
    }

    @Test
    void bracketsInsideStringsDoNotEndACall() {
        folder.accept(call(0, "c1", "a", "{\"q\":\"}]\\\"}\""));
        folder.accept(call(1, "c2", "b", "{}"));
        assertThat(blocks.log).as("the first call's JSON is still open").containsExactly("start:c1:a",
                "args:{\"q\":\"}]\\\"}\"");
        folder.accept(call(0, null, null, "}"));
        assertThat(blocks.log).contains("end:c1:{\"q\":\"}]\\\"}\"}", "start:c2:b");
    }

    @Test
    void moreArgumentsForAnEndedCallAreRefusedButWhiteSpaceIsDropped() {
        folder.accept(call(0, "c1", "a", "{}"));
        folder.accept(call(1, "c2", "b", "{"));
        folder.accept(call(0, null, null, " \n"));
        assertThat(blocks.log).containsExactly("start:c1:a", "args:{}", "end:c1:{}", "start:c2:b", "args:{");
        assertThatThrownBy(() -> folder.accept(call(0, null, null, "\"x\""))).isInstanceOf(ChunkFolder.OutOfOrder.class)
                .hasMessageNotContaining("\"x\"");
    }

    @Test
    void aCallWithoutAnIdIsNamedByItsIndexAndOneWithoutArgumentsStillOpensAndEnds() {
        folder.accept(call(2, null, "ping", ""));
        folder.finish();
        assertThat(blocks.log).containsExactly("start:call_2:ping", "end:call_2:");
    }

    @Test
    void theStopSequenceABackendNamedIsKeptWithTheFinishReason() {
        ObjectNode last = Chat.chunk("{}", "stop");
        ((ObjectNode) last.path("choices").get(0)).put("bastion_stop_sequence", "###");
        folder.accept(Chat.textChunk("a"));
        assertThat(folder.stopSequence()).isEmpty();
        folder.accept(last);
        assertThat(folder.finishReason()).isEqualTo("stop");
        assertThat(folder.stopSequence()).isEqualTo("###");
    }
}
