package dev.vecprop.data;

import dev.vecprop.concurrent.WorkerPool;

import java.util.Locale;

/**
 * On-the-fly data augmentation of image batches, seeded and composable, applied only in training:
 * random affine transforms (translation, rotation, scaling) with bilinear sampling, elastic
 * distortion, and random erasing. Nothing is precomputed: each batch is transformed in place right
 * after it is gathered, sample by sample, split over the worker pool.
 *
 * <p>Per sample, one inverse map is built from the affine parameters plus, with elastic distortion,
 * a smooth random displacement field (Simard et al. 2003 smooth uniform noise by a Gaussian; here a
 * coarse 4x4 grid of uniform displacements upsampled bilinearly, which is smooth at the same scale
 * and costs a fraction), and the output is sampled bilinearly from the input in one pass. Pixels
 * mapped from outside the image take the value of a black pixel ({@code fill}). Random erasing then
 * blanks a rectangle (2-33% of the area, aspect 0.3-3.3, as torchvision's RandomErasing).
 * Every random number is a pure function of (seed, step, sample), so results are deterministic and
 * independent of the thread count.
 */
public final class Augmentation {
    private final float shift;
    private final float rotateDeg;
    private final float scale;
    private final float elasticAlpha;
    private final float eraseProb;
    private final String spec;

    private Augmentation(float shift, float rotateDeg, float scale, float elasticAlpha, float eraseProb, String spec) {
        this.shift = shift;
        this.rotateDeg = rotateDeg;
        this.scale = scale;
        this.elasticAlpha = elasticAlpha;
        this.eraseProb = eraseProb;
        this.spec = spec;
    }

    /**
     * Parses a comma-separated list of transforms, e.g. {@code shift=2,rotate=10,scale=0.1,elastic,erase=0.25},
     * each drawn uniformly per sample: {@code shift} maximum translation in pixels (0..14, default 2),
     * {@code rotate} maximum rotation in degrees either way (0..180, default 10), {@code scale} maximum
     * zoom as a fraction, factor {@code 1 +- s} (0..0.9, default 0.1), {@code elastic} displacement
     * amplitude in pixels (0..10, default 2), {@code erase} probability of erasing a rectangle (0..1,
     * default 0.5). A name without {@code =value} takes the default.
     *
     * @param s the specification
     * @return the augmentation
     * @throws dev.vecprop.ConfigException if a name is unknown, a value is not a number or out of
     *                                     range, or the whole specification does nothing
     */
    public static Augmentation parse(String s) {
        float shift = 0;
        float rot = 0;
        float sc = 0;
        float el = 0;
        float er = 0;
        for (String part : s.split(",")) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            if (p.isEmpty()) {
                continue;
            }
            String k = p.contains("=") ? p.substring(0, p.indexOf('=')) : p;
            String v = p.contains("=") ? p.substring(p.indexOf('=') + 1) : null;
            float f;
            try {
                f = v == null ? Float.NaN : Float.parseFloat(v);
            } catch (NumberFormatException e) {
                throw new dev.vecprop.ConfigException("augmentation '" + part + "': not a number");
            }
            switch (k) {
                case "shift" -> shift = check(k, v == null ? 2 : f, 0, 14);
                case "rotate" -> rot = check(k, v == null ? 10 : f, 0, 180);
                case "scale" -> sc = check(k, v == null ? 0.1f : f, 0, 0.9f);
                case "elastic" -> el = check(k, v == null ? 2 : f, 0, 10);
                case "erase" -> er = check(k, v == null ? 0.5f : f, 0, 1);
                default -> throw new dev.vecprop.ConfigException("unknown augmentation '" + k
                        + "' (shift=PX, rotate=DEG, scale=FRAC, elastic[=PX], erase[=P])");
            }
        }
        if (shift == 0 && rot == 0 && sc == 0 && el == 0 && er == 0) {
            throw new dev.vecprop.ConfigException("augmentation '" + s + "' does nothing");
        }
        return new Augmentation(shift, rot, sc, el, er, s);
    }

    private static float check(String k, float v, float lo, float hi) {
        if (!(v >= lo && v <= hi)) {
            throw new dev.vecprop.ConfigException("augmentation " + k + "=" + v + " is outside " + lo + ".." + hi);
        }
        return v;
    }

    /** {@return the specification this augmentation was parsed from} */
    public String describe() {
        return spec;
    }

    /** Per-worker buffers and generator state, allocated once. */
    private static final class Scratch {
        float[] out = new float[0];
        final float[] gx = new float[16];
        final float[] gy = new float[16];
        long s;

        void seed(long seed, long step, int sample) {
            s = mix(mix(seed * 0x9E3779B97F4A7C15L + step) + sample * 0xD1B54A32D192ED03L);
        }

        float u01() {
            s += 0x9E3779B97F4A7C15L;
            return (mix(s) >>> 40) * 0x1p-24f;
        }

        float sym() {
            return u01() * 2f - 1f;
        }
    }

    /** The batch job handed to the workers (reused: one apply at a time per instance). */
    private final class Job implements WorkerPool.Task {
        float[] x;
        int xo;
        int n;
        int h;
        int w;
        float fill;
        long seed;
        long step;

        @Override
        public void run(int worker, int workers) {
            Scratch sc = scratch[worker];
            if (sc.out.length < h * w) {
                sc.out = new float[h * w];
            }
            int from = (int) ((long) n * worker / workers);
            int to = (int) ((long) n * (worker + 1) / workers);
            for (int i = from; i < to; i++) {
                one(x, xo + i * h * w, h, w, fill, seed, step, i, sc);
            }
        }
    }

    private Scratch[] scratch = new Scratch[0];
    private final Job job = new Job();

    /**
     * Transforms a batch in place, split over {@code pool}; not for concurrent use of one instance.
     * Internal plumbing (the worker pool is not an exported type): the trainer calls it per batch.
     *
     * @param x    the images: {@code n} single-channel images of {@code h x w}, row-major
     *             {@code [n][h][w]}, starting at {@code x[xo]}
     * @param xo   offset of the first image in {@code x}
     * @param n    number of images
     * @param h    image height in pixels
     * @param w    image width in pixels
     * @param fill the value of a black pixel after normalisation, for pixels mapped from outside and erased ones
     * @param seed the run's seed
     * @param step the training step; with the seed and the image's index in the batch it fixes every random draw
     * @param pool the workers, or null for the caller's thread
     * @hidden
     */
    public void apply(float[] x, int xo, int n, int h, int w, float fill, long seed, long step, WorkerPool pool) {
        int threads = pool == null ? 1 : pool.threads();
        if (scratch.length < threads) {
            Scratch[] s = new Scratch[threads];
            for (int i = 0; i < threads; i++) {
                s[i] = i < scratch.length ? scratch[i] : new Scratch();
            }
            scratch = s;
        }
        job.x = x;
        job.xo = xo;
        job.n = n;
        job.h = h;
        job.w = w;
        job.fill = fill;
        job.seed = seed;
        job.step = step;
        try {
            if (threads == 1) {
                job.run(0, 1);
            } else {
                pool.run(job);
            }
        } finally {
            job.x = null;
        }
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private void one(float[] x, int off, int h, int w, float fill, long seed, long step, int sample, Scratch r) {
        r.seed(seed, step, sample);
        float[] out = r.out;
        double th = Math.toRadians(rotateDeg * r.sym());
        double s = 1 + scale * r.sym();
        float tx = shift * r.sym();
        float ty = shift * r.sym();
        // inverse of  p' = S R (p - c) + c + t   ->   p = R^T (p' - c - t) / s + c
        float cos = (float) (Math.cos(th) / s);
        float sin = (float) (Math.sin(th) / s);
        float cx = (w - 1) * 0.5f;
        float cy = (h - 1) * 0.5f;
        boolean elastic = elasticAlpha > 0;
        float[] gx = r.gx;
        float[] gy = r.gy;
        if (elastic) {
            for (int k = 0; k < 16; k++) {
                gx[k] = elasticAlpha * r.sym();
                gy[k] = elasticAlpha * r.sym();
            }
        }
        for (int v = 0; v < h; v++) {
            for (int u = 0; u < w; u++) {
                float du = u - cx - tx;
                float dv = v - cy - ty;
                float sx = cos * du + sin * dv + cx;
                float sy = -sin * du + cos * dv + cy;
                if (elastic) {
                    // bilinear upsampling of the 4x4 displacement grid over the image
                    float fu = u * 3f / (w - 1);
                    float fv = v * 3f / (h - 1);
                    int iu = Math.min((int) fu, 2);
                    int iv = Math.min((int) fv, 2);
                    float au = fu - iu;
                    float av = fv - iv;
                    int k = iv * 4 + iu;
                    sx += (gx[k] * (1 - au) + gx[k + 1] * au) * (1 - av) + (gx[k + 4] * (1 - au) + gx[k + 5] * au) * av;
                    sy += (gy[k] * (1 - au) + gy[k + 1] * au) * (1 - av) + (gy[k + 4] * (1 - au) + gy[k + 5] * au) * av;
                }
                out[v * w + u] = bilinear(x, off, h, w, sx, sy, fill);
            }
        }
        System.arraycopy(out, 0, x, off, h * w);
        if (eraseProb > 0 && r.u01() < eraseProb) {
            float area = (0.02f + 0.31f * r.u01()) * h * w;
            float logRatio = (float) (Math.log(0.3) + (Math.log(3.3) - Math.log(0.3)) * r.u01());
            int eh = Math.min(h, Math.max(1, Math.round((float) Math.sqrt(area * Math.exp(logRatio)))));
            int ew = Math.min(w, Math.max(1, Math.round((float) Math.sqrt(area / Math.exp(logRatio)))));
            int y0 = (int) (r.u01() * (h - eh + 1));
            int x0 = (int) (r.u01() * (w - ew + 1));
            for (int v = y0; v < y0 + eh; v++) {
                java.util.Arrays.fill(x, off + v * w + x0, off + v * w + x0 + ew, fill);
            }
        }
    }

    private static float bilinear(float[] x, int off, int h, int w, float sx, float sy, float fill) {
        int x0 = (int) Math.floor(sx);
        int y0 = (int) Math.floor(sy);
        float ax = sx - x0;
        float ay = sy - y0;
        float p00 = pixel(x, off, h, w, x0, y0, fill);
        float p10 = pixel(x, off, h, w, x0 + 1, y0, fill);
        float p01 = pixel(x, off, h, w, x0, y0 + 1, fill);
        float p11 = pixel(x, off, h, w, x0 + 1, y0 + 1, fill);
        return (p00 * (1 - ax) + p10 * ax) * (1 - ay) + (p01 * (1 - ax) + p11 * ax) * ay;
    }

    private static float pixel(float[] x, int off, int h, int w, int u, int v, float fill) {
        return u < 0 || v < 0 || u >= w || v >= h ? fill : x[off + v * w + u];
    }
}
