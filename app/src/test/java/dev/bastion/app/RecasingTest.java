package dev.bastion.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RecasingTest {
    @Test
    void upperAndLowerKeepEveryOffset() {
        String text = "Dr. Ada Lovelace lives at 12 Oak Street, Zürich.";
        assertEquals("DR. ADA LOVELACE LIVES AT 12 OAK STREET, ZÜRICH.", Recasing.UPPER.apply(text));
        assertEquals("dr. ada lovelace lives at 12 oak street, zürich.", Recasing.LOWER.apply(text));
        assertEquals(text, Recasing.AS_IS.apply(text));
        int start = text.indexOf("Ada Lovelace");
        assertEquals("ada lovelace", Recasing.LOWER.apply(text).substring(start, start + "Ada Lovelace".length()));
    }

    @Test
    void aSharpSKeepsOneUnitAndIsCountedAsChangingLength() {
        assertEquals("STRAßE", Recasing.UPPER.apply("Straße"));
        assertTrue(Recasing.UPPER.changedLength("Straße"));
        assertFalse(Recasing.LOWER.changedLength("Straße"));
        assertFalse(Recasing.UPPER.changedLength("Oak Street"));
    }

    @Test
    void optionValuesParseAndOthersAreRefused() {
        assertEquals(Recasing.AS_IS, Recasing.parse("as-is"));
        assertEquals(Recasing.UPPER, Recasing.parse("upper"));
        assertEquals(Recasing.LOWER, Recasing.parse("lower"));
        assertThrows(IllegalArgumentException.class, () -> Recasing.parse("title"));
    }
}
