package dev.bastion.guard.structure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8Test {
    @Test
    void validUtf8HasNoInvalidByte() {
        byte[] b = "{\"a\":\"héllo 😀\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(Utf8.firstInvalidByte(b, b.length)).isEmpty();
    }

    @Test
    void loneContinuationByteIsReportedAtItsOffset() {
        byte[] b = {'{', '"', (byte) 0x80, '"', '}'};
        assertThat(Utf8.firstInvalidByte(b, b.length)).hasValue(2);
    }

    @Test
    void overlongEncodingAndEncodedSurrogateAreInvalid() {
        byte[] overlong = {'a', (byte) 0xc0, (byte) 0xaf};
        byte[] surrogate = {(byte) 0xed, (byte) 0xa0, (byte) 0x80};
        assertThat(Utf8.firstInvalidByte(overlong, overlong.length)).hasValue(1);
        assertThat(Utf8.firstInvalidByte(surrogate, surrogate.length)).hasValue(0);
    }

    @Test
    void truncatedSequenceAtTheEndIsInvalid() {
        byte[] b = {'a', 'b', (byte) 0xe2, (byte) 0x82};
        assertThat(Utf8.firstInvalidByte(b, b.length)).hasValue(2);
    }

    @Test
    void onlyTheGivenLengthIsChecked() {
        byte[] b = {'a', 'b', (byte) 0xff};
        assertThat(Utf8.firstInvalidByte(b, 2)).isEmpty();
    }
}
