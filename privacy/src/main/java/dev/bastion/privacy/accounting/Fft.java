package dev.bastion.privacy.accounting;

/** Linear convolution of real sequences by an iterative radix-2 complex FFT. */
final class Fft {
    private Fft() {
    }

    static double[] convolve(double[] a, double[] b) {
        int outLength = a.length + b.length - 1;
        if ((long) a.length * b.length <= 4096) {
            double[] out = new double[outLength];
            for (int i = 0; i < a.length; i++) {
                for (int j = 0; j < b.length; j++) {
                    out[i + j] += a[i] * b[j];
                }
            }
            return out;
        }
        int n = Integer.highestOneBit(outLength - 1) << 1;
        if (n <= 0 || n > (1 << 26)) {
            throw new IllegalStateException("privacy loss distribution too large to compose (" + outLength + " points)");
        }
        double[] ar = new double[n];
        double[] ai = new double[n];
        double[] br = new double[n];
        double[] bi = new double[n];
        System.arraycopy(a, 0, ar, 0, a.length);
        System.arraycopy(b, 0, br, 0, b.length);
        transform(ar, ai, false);
        transform(br, bi, false);
        for (int i = 0; i < n; i++) {
            double re = ar[i] * br[i] - ai[i] * bi[i];
            double im = ar[i] * bi[i] + ai[i] * br[i];
            ar[i] = re;
            ai[i] = im;
        }
        transform(ar, ai, true);
        double[] out = new double[outLength];
        for (int i = 0; i < outLength; i++) {
            out[i] = ar[i] / n;
        }
        return out;
    }

    /** In-place FFT of (re, im), length a power of two; {@code inverse} without the 1/n scaling. */
    static void transform(double[] re, double[] im, boolean inverse) {
        int n = re.length;
        for (int i = 1, j = 0; i < n; i++) {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) {
                j ^= bit;
            }
            j ^= bit;
            if (i < j) {
                double t = re[i];
                re[i] = re[j];
                re[j] = t;
                t = im[i];
                im[i] = im[j];
                im[j] = t;
            }
        }
        for (int len = 2; len <= n; len <<= 1) {
            double angle = 2 * Math.PI / len * (inverse ? 1 : -1);
            int half = len / 2;
            // Twiddles computed directly (not by recurrence) to keep the error near machine precision.
            double[] wr = new double[half];
            double[] wi = new double[half];
            for (int k = 0; k < half; k++) {
                wr[k] = Math.cos(angle * k);
                wi[k] = Math.sin(angle * k);
            }
            for (int i = 0; i < n; i += len) {
                for (int k = 0; k < half; k++) {
                    int u = i + k;
                    int v = u + half;
                    double xr = re[v] * wr[k] - im[v] * wi[k];
                    double xi = re[v] * wi[k] + im[v] * wr[k];
                    re[v] = re[u] - xr;
                    im[v] = im[u] - xi;
                    re[u] += xr;
                    im[u] += xi;
                }
            }
        }
    }
}
