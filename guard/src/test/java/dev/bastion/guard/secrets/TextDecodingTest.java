package dev.bastion.guard.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextDecodingTest {
    private static final String CONFIG = "[db]\r\nuser=app\r\nDB_PASSWORD=Gr4nite-Lake-91\r\n";

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void utf16WithAByteOrderMarkIsDecodedAndScanned() {
        byte[] le = concat(new byte[] {(byte) 0xFF, (byte) 0xFE}, CONFIG.getBytes(StandardCharsets.UTF_16LE));
        assertThat(TextDecoding.decode(le)).contains(CONFIG);
        byte[] be = concat(new byte[] {(byte) 0xFE, (byte) 0xFF}, CONFIG.getBytes(StandardCharsets.UTF_16BE));
        assertThat(TextDecoding.decode(be)).contains(CONFIG);
        assertThat(SecretsScanner.builtIn().scan(List.of(TextDecoding.decode(le).orElseThrow()))).isNotEmpty();
    }

    @Test
    void utf16WithoutAByteOrderMarkIsRecognisedByItsNulBytes() {
        assertThat(TextDecoding.decode(CONFIG.getBytes(StandardCharsets.UTF_16LE))).contains(CONFIG);
        assertThat(TextDecoding.decode(CONFIG.getBytes(StandardCharsets.UTF_16BE))).contains(CONFIG);
    }

    @Test
    void latin1IsDecodedWhenTheBytesAreNotUtf8() {
        String text = "Kennwort für Müller: DB_PASSWORD=Gr4nite-Lake-91\n";
        assertThat(TextDecoding.decode(text.getBytes(StandardCharsets.ISO_8859_1))).contains(text);
    }

    @Test
    void utf8WithAndWithoutAByteOrderMarkIsDecoded() {
        byte[] plain = CONFIG.getBytes(StandardCharsets.UTF_8);
        assertThat(TextDecoding.decode(plain)).contains(CONFIG);
        assertThat(TextDecoding.decode(concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, plain))).contains(CONFIG);
    }

    @Test
    void binaryIsNotText() {
        byte[] binary = new byte[512];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (i * 37 + 11);
        }
        assertThat(TextDecoding.decode(binary)).isEmpty();
        assertThat(TextDecoding.decode(new byte[] {0x50, 0x4B, 0x03, 0x04, 0, 0, 0x08, 0, 0x08, 0})).isEmpty();
    }
}
