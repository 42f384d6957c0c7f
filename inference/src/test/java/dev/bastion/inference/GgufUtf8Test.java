package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GgufUtf8Test {
    private static boolean jdkAccepts(byte[] b) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    @Test
    void theValidatorAgreesWithTheJdksStrictDecoderOnRandomBytes() {
        Random random = new Random(42);
        byte[] leads = {(byte) 0xc0, (byte) 0xc2, (byte) 0xdf, (byte) 0xe0, (byte) 0xed, (byte) 0xef, (byte) 0xf0,
            (byte) 0xf4, (byte) 0xf5, (byte) 0x80, (byte) 0xbf, (byte) 0x9f, (byte) 0xa0, (byte) 0x8f, (byte) 0x90};
        int valid = 0;
        for (int i = 0; i < 200_000; i++) {
            byte[] b = new byte[1 + random.nextInt(6)];
            for (int k = 0; k < b.length; k++) {
                b[k] = random.nextInt(3) == 0 ? (byte) random.nextInt(256) : leads[random.nextInt(leads.length)];
            }
            boolean ours = GgufUtf8.invalidAt(b, 0, b.length) < 0;
            assertThat(ours).as("bytes %s", java.util.HexFormat.of().formatHex(b)).isEqualTo(jdkAccepts(b));
            valid += ours ? 1 : 0;
        }
        assertThat(valid).isGreaterThan(1_000);
    }

    @Test
    void everyCodePointEncodedByTheJdkIsValidAndBoundariesAreExact() {
        for (int cp = 0; cp <= 0x10FFFF; cp += cp < 0x3000 ? 1 : 97) {
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                continue;
            }
            byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
            assertThat(GgufUtf8.invalidAt(b, 0, b.length)).as("U+%04X", cp).isEqualTo(-1);
        }
        byte[] max = new String(Character.toChars(0x10FFFF)).getBytes(StandardCharsets.UTF_8);
        assertThat(GgufUtf8.invalidAt(max, 0, max.length)).isEqualTo(-1);
        assertThat(GgufUtf8.invalidAt(new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, 0, 4)).isZero();
        assertThat(GgufUtf8.invalidAt(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, 0, 3)).isZero();
        assertThat(GgufUtf8.invalidAt(new byte[] {(byte) 0xe0, (byte) 0x9f, (byte) 0xbf}, 0, 3)).isZero();
        assertThat(GgufUtf8.invalidAt(new byte[] {'o', 'k', (byte) 0xc3}, 0, 3)).isEqualTo(2);
        assertThat(GgufUtf8.invalidAt(new byte[] {(byte) 0xc3, (byte) 0xa9, (byte) 0xc3}, 0, 2)).isEqualTo(-1);
    }
}
