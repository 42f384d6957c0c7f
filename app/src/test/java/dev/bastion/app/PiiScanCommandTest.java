package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PiiScanCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void jsonLinesInGiveOneRecordPerLineInOrderWithRecognizers() throws Exception {
        Path in = dir.resolve("texts.jsonl");
        Files.writeString(in, """
                {"id": "a", "text": "mail maria.rossi@example.org or call +44 20 7946 0958"}
                {"id": 7, "text": "nothing here"}
                {"id": "c", "text": "card 4111 1111 1111 1111"}
                """);
        Object[] r = KeysCommandTest.run("scan", in.toString());
        assertThat(r[0]).as((String) r[2]).isEqualTo(1);
        List<String> lines = ((String) r[1]).lines().toList();
        assertThat(lines).hasSize(3);
        JsonNode a = JSON.readTree(lines.get(0));
        assertThat(a.path("id").asText()).isEqualTo("a");
        assertThat(a.path("findings").get(0).path("type").asText()).isEqualTo("EMAIL_ADDRESS");
        assertThat(a.path("findings").get(0).path("start").asInt()).isEqualTo(5);
        assertThat(a.path("findings").get(0).path("end").asInt()).isEqualTo(28);
        assertThat(a.path("findings").get(0).path("recognizer").asText()).isEqualTo("email");
        assertThat(a.path("findings").get(1).path("type").asText()).isEqualTo("PHONE_NUMBER");
        assertThat(JSON.readTree(lines.get(1)).path("id").asInt()).isEqualTo(7);
        assertThat(JSON.readTree(lines.get(1)).path("findings")).isEmpty();
        assertThat(JSON.readTree(lines.get(2)).path("findings").get(0).path("type").asText()).isEqualTo("CREDIT_CARD");
        assertThat((String) r[1]).doesNotContain("maria.rossi").doesNotContain("4111");
    }

    @Test
    void badLinesBecomeErrorRecordsNamingTheLineAndTheRestIsStillScanned() throws Exception {
        Path in = dir.resolve("mixed.jsonl");
        byte[] bad = {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'};
        try (var out = Files.newOutputStream(in)) {
            out.write("{\"id\": \"ok1\", \"text\": \"a@example.org\"}\n".getBytes(StandardCharsets.UTF_8));
            out.write("{not json\n".getBytes(StandardCharsets.UTF_8));
            out.write(bad);
            out.write("{\"id\": \"ok2\", \"text\": \"b@example.org\"}\n".getBytes(StandardCharsets.UTF_8));
        }
        Object[] r = KeysCommandTest.run("scan", "--format", "jsonl", in.toString());
        assertThat(r[0]).isEqualTo(2);
        List<String> lines = ((String) r[1]).lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(JSON.readTree(lines.get(1)).path("error").asText()).contains("line 2").contains("JSON");
        assertThat(JSON.readTree(lines.get(2)).path("error").asText()).contains("line 3").contains("UTF-8");
        assertThat(JSON.readTree(lines.get(3)).path("id").asText()).isEqualTo("ok2");
        assertThat(JSON.readTree(lines.get(3)).path("findings")).hasSize(1);
        assertThat((String) r[2]).contains("2 line(s) could not be read");
    }

    @Test
    void plainTextAndJsonArrayFormats() throws Exception {
        Path in = dir.resolve("notes.txt");
        Files.writeString(in, "write to a@example.org\n\nnothing\n");
        Object[] json = KeysCommandTest.run("scan", "--format", "json", in.toString());
        JsonNode array = JSON.readTree((String) json[1]);
        assertThat(array.isArray()).isTrue();
        assertThat(array).hasSize(2);
        assertThat(array.get(0).path("id").asText()).endsWith("notes.txt:1");
        assertThat(array.get(1).path("id").asText()).endsWith("notes.txt:3");
        Object[] text = KeysCommandTest.run("scan", "--format", "text", in.toString());
        assertThat((String) text[1]).contains("notes.txt:1 EMAIL_ADDRESS [9,22)").doesNotContain("a@example.org");
        Object[] badFormat = KeysCommandTest.run("scan", "--format", "xml", in.toString());
        assertThat((String) badFormat[2]).contains("--format is jsonl, json or text");
    }

    /** An input of many lines, generated as it is read: never in memory as a whole. */
    private static InputStream generated(int lines, int longLine) {
        return new InputStream() {
            private int line;
            private byte[] current = new byte[0];
            private int pos;

            @Override
            public int read() {
                if (pos == current.length) {
                    if (line == lines) {
                        return -1;
                    }
                    String text = line == lines / 2 ? "x".repeat(longLine) : "{\"id\":" + line + ",\"text\":\"row " + line + "\"}";
                    current = (text + "\n").getBytes(StandardCharsets.UTF_8);
                    pos = 0;
                    line++;
                }
                return current[pos++] & 0xff;
            }
        };
    }

    @Test
    void theReaderHoldsOneLineAtATimeOver200kLines() throws IOException {
        try (LineReader reader = new LineReader(generated(200_000, 5_000), 1 << 20)) {
            long n = 0;
            for (Optional<LineReader.Line> l = reader.next(); l.isPresent(); l = reader.next()) {
                n++;
                assertThat(l.get().number()).isEqualTo(n);
            }
            assertThat(n).isEqualTo(200_000);
            assertThat(reader.maxHeldBytes()).isEqualTo(5_000);
        }
    }

    @Test
    void aLineLongerThanTheLimitIsAnErrorAndTheNextLineIsRead() throws IOException {
        byte[] input = ("short\n" + "y".repeat(300) + "\r\nafter\r\n").getBytes(StandardCharsets.UTF_8);
        try (LineReader reader = new LineReader(new ByteArrayInputStream(input), 100)) {
            assertThat(reader.next()).contains(new LineReader.Line.Text(1, "short"));
            assertThat(reader.next().orElseThrow()).isInstanceOf(LineReader.Line.Bad.class)
                    .extracting(LineReader.Line::number).isEqualTo(2L);
            assertThat(reader.next()).contains(new LineReader.Line.Text(3, "after"));
            assertThat(reader.next()).isEmpty();
            assertThat(reader.maxHeldBytes()).isLessThanOrEqualTo(100);
        }
    }
}
