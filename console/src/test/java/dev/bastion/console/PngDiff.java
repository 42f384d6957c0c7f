package dev.bastion.console;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Compares a screenshot with its baseline: a pixel differs when any colour channel is more than {@link #CHANNEL}
 * apart (anti-aliasing noise stays under it), and the images match when at most {@link #MAX_SHARE} of the pixels
 * differ and both have the same size. The diff image shows differing pixels in red over a faded baseline.
 */
final class PngDiff {
    /** Largest difference of one channel (0-255) that still counts as the same pixel. */
    static final int CHANNEL = 40;
    /** Largest share of differing pixels for a match. */
    static final double MAX_SHARE = 0.002;

    /** The outcome: how many pixels differ, of how many, and the diff image (empty when the sizes differ). */
    record Result(long differing, long total, boolean sameSize, BufferedImage diff) {
        double share() {
            return total == 0 ? 1 : (double) differing / total;
        }

        boolean matches() {
            return sameSize && share() <= MAX_SHARE;
        }
    }

    private PngDiff() {
    }

    static BufferedImage read(byte[] png) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            if (image == null) {
                throw new IllegalArgumentException("not a PNG image");
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Result compare(BufferedImage baseline, BufferedImage actual) {
        int w = baseline.getWidth();
        int h = baseline.getHeight();
        if (actual.getWidth() != w || actual.getHeight() != h) {
            return new Result(Math.max((long) w * h, (long) actual.getWidth() * actual.getHeight()), (long) w * h, false,
                    new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB));
        }
        BufferedImage diff = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        long differing = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int a = baseline.getRGB(x, y);
                int b = actual.getRGB(x, y);
                if (channelDistance(a, b) > CHANNEL) {
                    differing++;
                    diff.setRGB(x, y, 0xff0000);
                } else {
                    int grey = (((a >> 16) & 0xff) + ((a >> 8) & 0xff) + (a & 0xff)) / 3;
                    int faded = 192 + grey / 4;
                    diff.setRGB(x, y, (faded << 16) | (faded << 8) | faded);
                }
            }
        }
        return new Result(differing, (long) w * h, true, diff);
    }

    static int channelDistance(int a, int b) {
        int d = 0;
        for (int shift = 0; shift <= 16; shift += 8) {
            d = Math.max(d, Math.abs(((a >> shift) & 0xff) - ((b >> shift) & 0xff)));
        }
        return d;
    }

    static void write(BufferedImage image, Path file) {
        try {
            Files.createDirectories(file.getParent());
            ImageIO.write(image, "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
