package dev.bastion.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** The baseline comparison: small colour noise passes, a changed block or a changed size fails. */
class PngDiffTest {
    static BufferedImage plain(int w, int h, int rgb) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        return image;
    }

    @Test
    void identicalImagesMatchWithNoDifferingPixel() {
        PngDiff.Result r = PngDiff.compare(plain(100, 50, 0xffffff), plain(100, 50, 0xffffff));
        assertThat(r.matches()).isTrue();
        assertThat(r.differing()).isZero();
    }

    @Test
    void colourNoiseUnderTheChannelThresholdIsNotADifference() {
        BufferedImage actual = plain(100, 50, 0xffffff);
        actual.setRGB(3, 3, 0xffffff - PngDiff.CHANNEL);
        assertThat(PngDiff.compare(plain(100, 50, 0xffffff), actual).differing()).isZero();
    }

    @Test
    void aFewDifferingPixelsPassButABlockOfThemFailsAndIsMarkedRed() {
        BufferedImage few = plain(100, 100, 0xffffff);
        for (int i = 0; i < 20; i++) {
            few.setRGB(i, 0, 0x000000);
        }
        assertThat(PngDiff.compare(plain(100, 100, 0xffffff), few).matches()).isTrue();
        BufferedImage block = plain(100, 100, 0xffffff);
        for (int y = 0; y < 10; y++) {
            for (int x = 0; x < 10; x++) {
                block.setRGB(x, y, 0x000000);
            }
        }
        PngDiff.Result r = PngDiff.compare(plain(100, 100, 0xffffff), block);
        assertThat(r.differing()).isEqualTo(100);
        assertThat(r.matches()).isFalse();
        assertThat(r.diff().getRGB(5, 5) & 0xffffff).isEqualTo(0xff0000);
        assertThat(r.diff().getRGB(50, 50) & 0xffffff).isNotEqualTo(0xff0000);
    }

    @Test
    void imagesOfDifferentSizesNeverMatch() {
        assertThat(PngDiff.compare(plain(100, 50, 0xffffff), plain(100, 51, 0xffffff)).matches()).isFalse();
    }
}
